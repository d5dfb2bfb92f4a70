"""Factories for the tests: real rows in the real database, never mocks."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.models import Role, User
from grants.models import Application, Call, Criterion, Programme
from members.models import MemberRole, Membership, Organisation, OrganisationKind, OrganisationStatus

PASSWORD = "motdepasse-de-test-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    role = Role.APPLICANT
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = OrganisationKind.OSIM
    name = factory.Sequence(lambda n: f"Association solidaire n°{n}")
    acronym = factory.Sequence(lambda n: f"AS{n}")
    rna = factory.Sequence(lambda n: f"W{750000000 + n:09d}")
    status = OrganisationStatus.VALIDATED
    region = "IDF"
    city = "Paris"
    created_on = datetime.date(2010, 1, 1)


class OperatorFactory(OrganisationFactory):
    kind = OrganisationKind.OPERATOR
    name = factory.Sequence(lambda n: f"Opérateur d'appui n°{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = MemberRole.ADMIN


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ("code",)

    code = "PRA"
    name = "PRA/OSIM"


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call

    programme = factory.SubFactory(ProgrammeFactory)
    year = 2026
    title = factory.Sequence(lambda n: f"Appel PRA/OSIM n°{n}")
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=30))
    deadline = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))
    envelope = Decimal("750000.00")
    max_grant = Decimal("15000.00")
    max_grant_share = Decimal("70.00")
    max_total_budget = Decimal("120000.00")
    sectors = ["health", "education", "water", "economy", "rural", "social"]
    tranche_split = [70, 30]
    operator_visa_required = False


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    call = factory.SubFactory(CallFactory)
    label = factory.Sequence(lambda n: f"Critère {n}")
    weight = Decimal("1.00")
    scale_max = 5


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    call = factory.SubFactory(CallFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Projet d'accès à l'eau n°{n}")
    country = "SN"
    sector = "water"
    amount_requested = Decimal("10000.00")
    own_funds = Decimal("5000.00")
