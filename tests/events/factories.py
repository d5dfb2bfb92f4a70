import datetime

import factory
from django.utils import timezone

from events.models import Audience, Event, EventKind, Registration, RegistrationStatus
from members.models import OrganisationKind
from tests.factories import OrganisationFactory


class ForimFactory(OrganisationFactory):
    kind = OrganisationKind.FORIM
    name = "Forum des Organisations de Solidarité Internationale issues des Migrations"
    acronym = "FORIM"
    rna = None


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    kind = EventKind.TRAINING
    title = factory.Sequence(lambda n: f"Formation à la gestion de projet n°{n}")
    organiser = factory.SubFactory(ForimFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=10))
    ends_at = factory.LazyAttribute(lambda e: e.starts_at + datetime.timedelta(hours=3))
    place = "21 rue Hénard"
    city = "Paris"
    region = "IDF"
    audience = Audience.OPEN
    capacity = 20


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Participant {n}")
    email = factory.Sequence(lambda n: f"participant{n}@example.org")
    status = RegistrationStatus.CONFIRMED
