"""A Mésoprojets call in two stages, its rules as data, and statements of intent in each state."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from intents.models import StatementOfIntent
from tests.factories import CallFactory, ProgrammeFactory

MESO_RULES = {
    "max_grant": Decimal("100000.00"),
    "max_grant_share": Decimal("70.00"),
    "min_total_budget": Decimal("120000.00"),
    "max_total_budget": Decimal("300000.00"),
    "max_duration_months": 24,
    "min_association_age_months": 24,
}
GOOD = {
    "title": "Centre de santé maternelle à Kayes",
    "country": "SN",
    "sector": "health",
    "summary": "Construire et équiper un centre de santé pour 8 000 femmes et enfants.",
    "estimated_total": Decimal("200000.00"),
    "estimated_grant": Decimal("100000.00"),
}


def meso_call(**extra):
    now = timezone.now()
    values = {
        "programme": ProgrammeFactory(code="MESO", name="Mésoprojets"),
        "title": "Mésoprojets 2026",
        "opens_at": now - datetime.timedelta(days=10),
        "intent_deadline": now + datetime.timedelta(days=10),
        "deadline": now + datetime.timedelta(days=90),
        **MESO_RULES,
        **extra,
    }
    return CallFactory(**values)


def statement(call, organisation, status="draft", **fields):
    """A statement as a test starts from it (its state written as a fixture, not moved: see the services tests)."""
    return StatementOfIntent.objects.create(call=call, organisation=organisation, status=status, **{**GOOD, **fields})


@pytest.fixture
def call(db):
    return meso_call()
