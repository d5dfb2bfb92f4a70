"""The committee's amount is read by the money module and checked exactly against the call's rules."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from forim_portal.errors import DomainError
from grants.models import Application, Call
from grants.states import State
from reviews import services
from reviews.models import CommitteeDecision
from tests.conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(call, staff_user):
    return services.open_session(call=call, date=datetime.date(2026, 12, 10), by=staff_user)


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("NaN", "Montant invalide"),
        ("Infinity", "Montant invalide"),
        ("1e4", "Montant invalide"),
        ("7000.005", "deux chiffres après la virgule"),
        ("0", "doit être positif"),
        ("", "Indiquez un montant"),
        (None, "Indiquez un montant"),
    ],
)
def test_a_bad_award_amount_is_a_french_refusal_and_nothing_changes(make, staff_user, session, client, amount, message):
    application = make(State.READY_FOR_COMMITTEE)
    with pytest.raises(DomainError, match=message) as refused:
        services.record_decision(
            session=session, application=application, by=staff_user, outcome="award", amount=amount, reason="Bien"
        )
    assert refused.value.status == 400 and refused.value.field == "amount"
    response = login(client, staff_user).post(
        reverse("committee-decision-list"),
        {
            "session": session.pk,
            "application": application.pk,
            "outcome": "award",
            "amount": amount,
            "reason": "Bien",
        },
        content_type="application/json",
    )
    assert response.status_code == 400 and message in response.json()["detail"]
    application.refresh_from_db()
    assert application.status == State.READY_FOR_COMMITTEE and application.awarded_amount is None
    assert not CommitteeDecision.objects.filter(application=application).exists()


def test_the_share_limit_is_compared_exactly(make, staff_user, session, call):
    call.max_grant_share = Decimal("70")
    call.save()
    # a 100.05 € project: 70.04 € is 70.005 % of it, above 70 %, even though 70 % of 100.05 rounds to 70.04
    application = make(State.READY_FOR_COMMITTEE, amount_requested=Decimal("70.04"), own_funds=Decimal("30.01"))
    with pytest.raises(DomainError, match="70,03") as refused:
        services.record_decision(
            session=session, application=application, by=staff_user, outcome="award", amount="70.04", reason="ok"
        )
    assert refused.value.code == "amount_too_high"
    services.record_decision(
        session=session, application=application, by=staff_user, outcome="award", amount="70,03", reason="ok"
    )
    application.refresh_from_db()
    assert application.status == State.AWARDED and application.awarded_amount == Decimal("70.03")


@pytest.mark.parametrize("legacy_split", [["abc"], [150, -50], "70,30"])
def test_an_award_on_a_call_with_a_bad_stored_split_is_refused_not_a_500(
    make, staff_user, session, call, client, legacy_split
):
    Call.objects.filter(pk=call.pk).update(tranche_split=legacy_split)  # saved before the rules existed
    application = make(State.READY_FOR_COMMITTEE)
    response = login(client, staff_user).post(
        reverse("committee-decision-list"),
        {
            "session": session.pk,
            "application": application.pk,
            "outcome": "award",
            "amount": "7000",
            "reason": "Bien",
        },
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["field"] == "tranche_split"
    assert Application.objects.get(pk=application.pk).status == State.READY_FOR_COMMITTEE
    assert not application.tranches.exists()


def test_a_split_too_fine_for_the_amount_is_refused(make, staff_user, session, call):
    Call.objects.filter(pk=call.pk).update(tranche_split=[17, 17, 17, 17, 17, 15])
    application = make(State.READY_FOR_COMMITTEE)
    with pytest.raises(DomainError, match="trop petit pour être versé en 6 tranches"):
        services.record_decision(
            session=session, application=application, by=staff_user, outcome="award", amount="0.03", reason="ok"
        )
    application.refresh_from_db()
    assert application.status == State.READY_FOR_COMMITTEE and not application.tranches.exists()
