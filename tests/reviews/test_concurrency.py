"""Two awards decided at the same instant never exceed the call's envelope: `record_decision` locks
the call row before the envelope is summed (PostgreSQL: a row lock; SQLite: immediate transactions)."""

import datetime
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from grants.models import Application
from grants.states import FUNDED_STATES, State
from reviews import services
from tests.concurrency import run_at_once

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_concurrent_awards_never_exceed_the_envelope(make, call, staff_user):
    call.envelope = Decimal("15000.00")
    call.save()
    session = services.open_session(call=call, date=datetime.date(2026, 12, 10), by=staff_user)
    first, second = (
        make(State.READY_FOR_COMMITTEE, amount_requested=Decimal("10000.00"), own_funds=Decimal("5000.00"))
        for _ in range(2)
    )

    def decide(application):
        def post():
            api = APIClient()
            api.force_authenticate(staff_user)
            return api.post(
                "/api/v1/committee-decisions/",
                {
                    "session": session.pk,
                    "application": application.pk,
                    "outcome": "award",
                    "amount": "10000",
                    "reason": "Projet solide",
                },
                format="json",
            )

        return post

    results = run_at_once([decide(first), decide(second)])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(r.status_code for r in results) == [201, 400]
    refused = next(r for r in results if r.status_code == 400).json()
    assert refused["code"] == "envelope_exceeded" and "reste de l'enveloppe" in refused["detail"]
    funded = Application.objects.filter(call=call, status__in=FUNDED_STATES)
    assert funded.count() == 1 and sum(funded.values_list("awarded_amount", flat=True)) == Decimal("10000.00")
    assert services.envelope_summary(call)["remaining"] == Decimal("5000.00")
