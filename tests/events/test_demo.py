"""The demo data for events and accompaniment: realistic, and a second load changes nothing."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from events.models import CeremonyInvitation, Event, Registration
from support.models import AccompanimentAgreement, SupportLog

pytestmark = pytest.mark.django_db


def _counts():
    return tuple(model.objects.count() for model in (Event, Registration, CeremonyInvitation, AccompanimentAgreement, SupportLog))


def test_demo_loads_twice_and_holds_the_network_events():
    call_command("load_demo", stdout=io.StringIO())
    first = _counts()
    call_command("load_demo", stdout=io.StringIO())
    assert _counts() == first
    jim = Event.objects.get(kind="jim")
    assert timezone.localtime(jim.starts_at).date().isoformat() == "2026-12-18" and jim.city == "Paris"
    workshop = Event.objects.get(kind="workshop")
    assert (workshop.organiser.name, workshop.city) == ("Migrations & Développement", "Marseille")
    ceremony = Event.objects.get(kind="ceremony")
    assert (ceremony.call.programme.code, ceremony.call.year) == ("PRA", 2026)
    assert Event.objects.filter(kind="general_assembly").exists()
    logs = SupportLog.objects.filter(created_by__email="operateur@example.org")
    assert set(logs.values_list("association__acronym", flat=True)) == {"AMF", "PAFHA"}
