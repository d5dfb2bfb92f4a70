"""The demo runs the Mésoprojets call in two stages end to end, and a second load changes nothing."""

import io

import pytest
from django.core.management import call_command

from grants.models import Application
from grants.states import State
from intents.models import IntentStatus, StatementOfIntent

pytestmark = pytest.mark.django_db


def test_the_demo_runs_mesoprojets_in_two_stages():
    call_command("load_demo", stdout=io.StringIO())
    statements = StatementOfIntent.objects.filter(call__programme__code="MESO").select_related("call", "organisation")
    assert {s.status for s in statements} == set(IntentStatus.values)
    call = statements[0].call
    assert call.opens_at < call.intent_deadline < call.deadline
    declined = statements.get(status=IntentStatus.NOT_PRESELECTED)
    assert declined.decision_reason and declined.decided_by.email == "instruction@example.org"
    chosen = statements.get(status=IntentStatus.PRESELECTED)
    dossier = Application.objects.get(call=call, organisation=chosen.organisation)
    assert dossier.status == State.SUBMITTED and dossier.reference.startswith("MESO-2026-")
    assert (dossier.title, dossier.amount_requested, dossier.context) == (
        chosen.title,
        chosen.estimated_grant,
        chosen.summary,
    )
    before = (StatementOfIntent.objects.count(), Application.objects.count())
    call_command("load_demo", stdout=io.StringIO())
    assert (StatementOfIntent.objects.count(), Application.objects.count()) == before
