"""Demo events: the JIM, a writing workshop in Marseille, the PRA/OSIM 2026 laureates' ceremony, a general assembly.

Idempotent: events are found by title, registrations by e-mail, invitations by dossier; no e-mail is sent.
"""

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from accounts.models import User
from grants.models import Call
from members.models import Organisation, OrganisationKind

from .models import Audience, CeremonyInvitation, Event, EventKind, Registration, RegistrationStatus
from .services import laureates

PARIS = ZoneInfo("Europe/Paris")


def _at(year, month, day, hour, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=PARIS)


def _event(title, **values):
    event, _created = Event.objects.get_or_create(title=title, defaults=values)
    return event


def _register(event, email, name, organisation=None, *, present=False):
    user = User.objects.filter(email=email).first()
    registration, _created = Registration.objects.get_or_create(
        event=event, email=email, status=RegistrationStatus.CONFIRMED,
        defaults={"user": user, "name": name, "organisation": organisation,
                  "checked_in_at": event.starts_at + datetime.timedelta(minutes=10) if present else None},
    )
    return registration


def load():
    forim = Organisation.objects.filter(kind=OrganisationKind.FORIM).first()
    md = Organisation.objects.get(rna="W133000105")
    amf = Organisation.objects.get(rna="W751000201")
    pafha = Organisation.objects.get(rna="W751000202")
    rame = Organisation.objects.get(rna="W352000204")
    staff = User.objects.filter(email="instruction@example.org").first()
    call = Call.objects.filter(programme__code="PRA", year=2026).first()

    jim = _event(
        "Journée internationale des migrant·e·s 2026", kind=EventKind.JIM, organiser=forim,
        starts_at=_at(2026, 12, 18, 14), ends_at=_at(2026, 12, 18, 21), place="Hôtel de Ville de Paris, salle des fêtes",
        city="Paris", region="IDF", capacity=250, audience=Audience.OPEN, registration_deadline=_at(2026, 12, 16, 18),
        description="Tables rondes sur les diasporas et le développement, témoignages d'associations lauréates, "
                    "soirée culturelle. Entrée libre sur inscription.", created_by=staff,
    )
    workshop = _event(
        "Atelier d'écriture de projet PRA/OSIM", kind=EventKind.WORKSHOP, organiser=md,
        starts_at=_at(2026, 12, 5, 9, 30), ends_at=_at(2026, 12, 5, 17), place="Maison des associations, 93 La Canebière",
        city="Marseille", region="PAC", capacity=15, audience=Audience.MEMBERS, registration_deadline=_at(2026, 12, 3, 12),
        description="Une journée pour construire le cadre logique, le budget et le plan de financement de votre dossier "
                    "PRA/OSIM, avec les conseillers de Migrations & Développement.",
    )
    assembly = _event(
        "Assemblée générale du FORIM 2026", kind=EventKind.GENERAL_ASSEMBLY, organiser=forim,
        starts_at=_at(2026, 6, 13, 9, 30), ends_at=_at(2026, 6, 13, 17, 30), place="Espace Reuilly, 21 rue Hénard",
        city="Paris", region="IDF", capacity=120, audience=Audience.MEMBERS, registration_deadline=_at(2026, 6, 10, 12),
        description="Rapport moral et financier, élection du conseil d'administration, orientations 2027.", created_by=staff,
    )
    _register(jim, "association@example.org", "Karim Benali", amf)
    _register(jim, "association2@example.org", "Fatou Ndiaye", pafha)
    _register(workshop, "association2@example.org", "Fatou Ndiaye", pafha)
    _register(assembly, "association@example.org", "Karim Benali", amf, present=True)
    _register(assembly, "association2@example.org", "Fatou Ndiaye", pafha, present=True)
    _register(assembly, "rame.presidente@example.org", "Aïcha Mbarga", rame)
    _register(assembly, "operateur@example.org", "Hassan El Idrissi", md, present=True)

    if call is not None:
        ceremony = _event(
            "Cérémonie des lauréats PRA/OSIM 2026", kind=EventKind.CEREMONY, organiser=forim, call=call,
            starts_at=_at(2027, 6, 19, 18), ends_at=_at(2027, 6, 19, 22), place="Musée national de l'histoire de l'immigration, Palais de la Porte Dorée",
            city="Paris", region="IDF", capacity=250, audience=Audience.INVITED, registration_deadline=_at(2027, 6, 12, 18),
            description="Remise des diplômes aux associations lauréates de l'appel PRA/OSIM 2026, en présence des partenaires.",
            created_by=staff,
        )
        now = timezone.now()
        for application in laureates(call):
            CeremonyInvitation.objects.get_or_create(
                event=ceremony, application=application,
                defaults={"organisation": application.organisation, "invited_at": now},
            )
