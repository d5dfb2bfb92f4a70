"""Payments, top-up overrides and rules: amounts read exactly by the money module, through every interface."""

from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from awards.models import Payment, Tranche
from awards.services import override_top_up, record_payment, save_rule
from forim_portal.errors import DomainError
from tests.conftest import login

from .test_money import sign

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(awarded, staff_user):
    sign(awarded, staff_user)
    return awarded


def paid(application):
    return list(Payment.objects.filter(tranche__application=application).values_list("amount", flat=True))


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("100.005", "deux chiffres après la virgule"),
        ("NaN", "Montant invalide"),
        ("Infinity", "Montant invalide"),
        ("1e3", "Montant invalide"),
        ("0", "doit être positif"),
        ("-100", "doit être positif"),
    ],
)
def test_a_payment_amount_is_never_rounded_into_something_else(signed, staff_user, amount, message):
    with pytest.raises(DomainError, match=message) as refused:
        record_payment(
            tranche=signed.tranches.first(), paid_on="2026-02-01", amount=amount, reference="VIR", by=staff_user
        )
    assert refused.value.field == "amount" and refused.value.status == 400
    assert paid(signed) == []


def test_french_and_dotted_amounts_are_read_alike(signed, staff_user):
    first = signed.tranches.get(number=1)
    record_payment(tranche=first, paid_on="2026-02-01", amount="1 000,50", reference="VIR-1", by=staff_user)
    record_payment(tranche=first, paid_on="2026-02-01", amount="1000.50", reference="VIR-2", by=staff_user)
    assert paid(signed) == [Decimal("1000.50"), Decimal("1000.50")]


def test_payments_never_exceed_the_award_even_when_a_tranche_is_wrong(signed, staff_user):
    # a schedule saved before the rules existed: tranche 1 is larger than the whole award
    Tranche.objects.filter(application=signed, number=1).update(amount=Decimal("20000.00"))
    first = signed.tranches.get(number=1)
    with pytest.raises(DomainError, match="sur le montant attribué"):
        record_payment(tranche=first, paid_on="2026-02-01", amount="15000.01", reference="VIR", by=staff_user)
    record_payment(tranche=first, paid_on="2026-02-01", amount="15000.00", reference="VIR", by=staff_user)
    with pytest.raises(DomainError, match="il reste 0,00\u00a0€ à verser sur le montant attribué"):
        record_payment(tranche=first, paid_on="2026-02-01", amount="0.01", reference="VIR", by=staff_user)
    assert sum(paid(signed)) == signed.awarded_amount


@pytest.mark.parametrize(
    ("amount", "message"), [("100.005", "deux chiffres"), ("NaN", "Montant invalide"), ("abc", "Montant invalide")]
)
def test_the_api_and_the_page_show_the_service_message(signed, staff_user, client, amount, message):
    tranche = signed.tranches.first()
    api = APIClient()
    api.force_authenticate(staff_user)
    response = api.post(
        "/api/v1/awards/payments/",
        {"tranche": tranche.pk, "paid_on": "2026-02-01", "amount": amount, "reference": "VIR"},
        format="json",
    )
    assert response.status_code == 400 and response.json()["field"] == "amount" and message in response.json()["detail"]
    response = login(client, staff_user).post(
        reverse("awards:payment_create", args=[signed.pk]),
        {"tranche": tranche.pk, "paid_on": "2026-02-01", "amount": amount, "reference": "VIR"},
    )
    assert response.status_code == 400 and message in response.content.decode()
    assert paid(signed) == []


def test_the_page_takes_a_french_amount(signed, staff_user, client):
    tranche = signed.tranches.first()
    response = login(client, staff_user).post(
        reverse("awards:payment_create", args=[signed.pk]),
        {"tranche": tranche.pk, "paid_on": "2026-02-01", "amount": "1\u202f500,25", "reference": "VIR"},
    )
    assert response.status_code == 302
    assert paid(signed) == [Decimal("1500.25")]


def test_top_up_overrides_and_rule_caps_are_read_exactly(awarded, ccme_rule, staff_user):
    top_up = awarded.top_ups.get()
    for bad, message in (("NaN", "Montant invalide"), ("10.001", "deux chiffres"), ("-1", "négatif")):
        with pytest.raises(DomainError, match=message):
            override_top_up(top_up=top_up, amount=bad, reason="Accord du partenaire", by=staff_user)
    override_top_up(top_up=top_up, amount="4 000,00", reason="Accord du partenaire", by=staff_user)
    top_up.refresh_from_db()
    assert top_up.amount == Decimal("4000.00")
    with pytest.raises(DomainError, match="deux chiffres") as refused:
        save_rule(by=staff_user, rule=ccme_rule, cap="100.001")
    assert refused.value.field == "cap"
    with pytest.raises(DomainError, match="entre 0 et 100"):
        save_rule(by=staff_user, rule=ccme_rule, rate="NaN")
