"""Twenty payments posted at the same instant, through the API and the staff page: one fits, one is
accepted, the others get a clear 4xx, none a 500, nothing is paid twice.

Runs on the default SQLite (a file in WAL mode with immediate transactions, see the test settings)
and on PostgreSQL (CI's DATABASE_URL): the payment service locks the dossier row before summing.
"""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from awards.models import Payment
from tests.concurrency import run_at_once
from tests.conftest import login

from .test_money import sign

pytestmark = pytest.mark.django_db(transaction=True)

POSTS = 20


def outcome(response):
    if isinstance(response, Exception):
        return ("exception", type(response).__name__, str(response)[:200])
    return response.status_code


@pytest.fixture
def payable(awarded, staff_user):
    sign(awarded, staff_user)
    return awarded.tranches.get(number=1)


def test_twenty_api_payments_at_once_only_one_fits(payable, staff_user):
    body = {"tranche": payable.pk, "paid_on": "2026-02-01", "amount": str(payable.amount), "reference": "VIR-2026-001"}

    def post():
        api = APIClient()
        api.force_authenticate(staff_user)
        return api.post("/api/v1/awards/payments/", body, format="json")

    results = run_at_once([post] * POSTS)
    statuses = sorted(outcome(r) for r in results)
    assert statuses == [201] + [400] * (POSTS - 1), statuses
    refusals = [r.json() for r in results if r.status_code == 400]
    assert all(r["code"] == "overpayment" and "il reste 0,00\u00a0€" in r["detail"] for r in refusals)
    assert list(Payment.objects.filter(tranche__application=payable.application).values_list("amount", flat=True)) == [
        payable.amount
    ]


def test_twenty_page_payments_at_once_only_one_fits(payable, staff_user):
    clients = []
    for _ in range(POSTS):
        client = Client()
        login(client, staff_user)
        clients.append(client)
    url = reverse("awards:payment_create", args=[payable.application_id])
    data = {
        "tranche": payable.pk,
        "paid_on": "2026-02-01",
        "amount": f"{payable.amount}".replace(".", ","),
        "reference": "VIR-2026-002",
    }

    def post(client):
        return lambda: client.post(url, data)

    results = run_at_once([post(client) for client in clients])
    statuses = sorted(outcome(r) for r in results)
    assert statuses == [302] + [400] * (POSTS - 1), statuses
    refused = [r for r in results if r.status_code == 400]
    assert all("Versement refusé : il reste 0,00" in r.content.decode().replace("\u202f", " ") for r in refused)
    assert Payment.objects.filter(tranche=payable).count() == 1
    assert sum(
        Payment.objects.filter(tranche__application=payable.application).values_list("amount", flat=True)
    ) == Decimal(payable.amount)


def test_twenty_small_payments_at_once_never_exceed_the_tranche(payable, staff_user):
    """Each payment is a share of what is left: those that fit are all recorded, the others refused."""
    each = Decimal("1000.00")  # 10 500 € tranche: ten fit, the rest are refused
    fits = int(payable.amount // each)

    def post():
        api = APIClient()
        api.force_authenticate(staff_user)
        return api.post(
            "/api/v1/awards/payments/",
            {"tranche": payable.pk, "paid_on": "2026-02-01", "amount": "1000", "reference": "VIR"},
            format="json",
        )

    results = run_at_once([post] * POSTS)
    statuses = sorted(outcome(r) for r in results)
    assert statuses == [201] * fits + [400] * (POSTS - fits), statuses
    assert Payment.objects.filter(tranche=payable).count() == fits
    assert sum(Payment.objects.filter(tranche=payable).values_list("amount", flat=True)) <= payable.amount
