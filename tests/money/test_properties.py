"""Property-based: for any award and any split the portal accepts, the tranches are at least €0.01 and
add up to the award to the cent; the payments on an award never exceed it, whichever interface records
them (the service, the staff page, the API).

Each example builds its own call, dossier and session inside a transaction rolled back at its end,
so no row leaks from one example into the next.
"""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from awards import services as awards_services
from awards.models import Payment, ReportKind, ReportStatus, Tranche
from forim_portal.errors import DomainError
from forim_portal.money import CENT, split_amount, split_for_storage
from grants import services as grants_services
from grants.models import Application
from grants.states import State
from reviews import services as reviews_services
from tests.conftest import login
from tests.factories import CallFactory
from tests.reviews.conftest import make_application

BOUNDED = settings(
    max_examples=50,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
DB_BOUNDED = settings(BOUNDED, max_examples=25)

cents = st.integers(min_value=1, max_value=10**9).map(lambda n: Decimal(n) / 100)


@st.composite
def splits(draw, max_tranches=6):
    """Positive shares in hundredths of a percent summing to exactly 100 (what `parse_split` accepts)."""
    count = draw(st.integers(min_value=1, max_value=max_tranches))
    cuts = sorted(draw(st.sets(st.integers(min_value=1, max_value=9999), min_size=count - 1, max_size=count - 1)))
    bounds = [0, *cuts, 10000]
    return [Decimal(high - low) / 100 for low, high in itertools.pairwise(bounds)]


@BOUNDED
@given(total=cents, shares=splits(max_tranches=12))
def test_any_accepted_split_gives_tranches_of_at_least_a_cent_adding_up(total, shares):
    try:
        tranches = split_amount(total, shares)
    except DomainError as refused:
        assert refused.code == "tranche_too_small"
        # refused only when a tranche could really fall below a cent: never for amounts that leave room
        assert total * min(shares) / 100 < CENT * len(shares)
        return
    assert len(tranches) == len(shares)
    assert all(tranche >= CENT and tranche == tranche.quantize(CENT) for tranche in tranches)
    assert sum(tranches) == total


class Rollback(Exception):
    pass


def in_rolled_back_transaction(function):
    try:
        with transaction.atomic():
            function()
            raise Rollback
    except Rollback:
        pass


def awarded_dossier(*, organisation, staff, shares, amount):
    """A dossier of a call with this split (saved through the service), awarded `amount` by the committee."""
    call = CallFactory(
        envelope=Decimal("9999999999.99"), max_grant=Decimal("9999999999.99"), max_grant_share=Decimal("100")
    )
    grants_services.save_call(by=staff, call=call, tranche_split=split_for_storage(shares))
    application = make_application(call, organisation, State.READY_FOR_COMMITTEE, staff, amount_requested=amount)
    session = reviews_services.open_session(call=call, date=datetime.date(2026, 12, 10), by=staff)
    reviews_services.record_decision(
        session=session, application=application, by=staff, outcome="award", amount=str(amount), reason="ok"
    )
    application.refresh_from_db()
    return application


@pytest.mark.django_db
@DB_BOUNDED
@given(amount=st.integers(min_value=1, max_value=10**8).map(lambda n: Decimal(n) / 100), shares=splits())
def test_an_award_through_the_committee_is_scheduled_to_the_cent(association, staff_user, amount, shares):
    def example():
        try:
            application = awarded_dossier(organisation=association, staff=staff_user, shares=shares, amount=amount)
        except DomainError as refused:
            assert refused.code == "tranche_too_small" and refused.status == 400
            assert not Application.objects.filter(organisation=association, status=State.AWARDED).exists()
            assert not Tranche.objects.filter(application__organisation=association).exists()
            return
        assert application.status == State.AWARDED and application.awarded_amount == amount
        amounts = list(application.tranches.order_by("number").values_list("amount", flat=True))
        assert len(amounts) == len(shares) and all(a >= CENT for a in amounts) and sum(amounts) == amount

    in_rolled_back_transaction(example)


def record_through(interface, staff):
    """A function (tranche, amount) -> accepted?, recording a payment through one interface."""
    if interface == "service":

        def record(tranche, amount):
            try:
                awards_services.record_payment(
                    tranche=tranche, paid_on="2026-02-01", amount=amount, reference="VIR", by=staff
                )
            except DomainError as refused:
                assert refused.status == 400
                return False
            return True

        return record
    if interface == "page":
        client = Client()
        login(client, staff)

        def record(tranche, amount):
            response = client.post(
                reverse("awards:payment_create", args=[tranche.application_id]),
                {
                    "tranche": tranche.pk,
                    "paid_on": "2026-02-01",
                    "amount": str(amount).replace(".", ","),
                    "reference": "VIR",
                },
            )
            assert response.status_code in (302, 400)
            return response.status_code == 302

        return record
    api = APIClient()
    api.force_authenticate(staff)

    def record(tranche, amount):
        response = api.post(
            "/api/v1/awards/payments/",
            {"tranche": tranche.pk, "paid_on": "2026-02-01", "amount": str(amount), "reference": "VIR"},
            format="json",
        )
        assert response.status_code in (201, 400), response.content
        return response.status_code == 201

    return record


@pytest.mark.django_db
@pytest.mark.parametrize("interface", ["service", "page", "api"])
@DB_BOUNDED
@given(
    amount=st.integers(min_value=100, max_value=10**7).map(lambda n: Decimal(n) / 100),
    shares=splits(max_tranches=3),
    attempts=st.lists(
        st.tuples(st.integers(min_value=0, max_value=2), st.integers(min_value=1, max_value=120)),
        min_size=1,
        max_size=8,
    ),
)
def test_payments_never_exceed_the_award_whatever_the_interface(
    association, staff_user, interface, amount, shares, attempts
):
    """Each attempt pays a tranche (by rank) some percent (1 to 120 %) of what is left on it, or of the whole tranche."""

    def example():
        try:
            application = awarded_dossier(organisation=association, staff=staff_user, shares=shares, amount=amount)
        except DomainError as refused:  # too small for this split: the property above covers it
            assert refused.code == "tranche_too_small"
            return
        awards_services.record_signed_agreement(
            application=application,
            by=staff_user,
            signed_file=SimpleUploadedFile("convention.pdf", b"%PDF-1.4", content_type="application/pdf"),
        )
        application.reports.filter(kind=ReportKind.INTERIM).update(
            status=ReportStatus.APPROVED
        )  # every tranche payable
        tranches = list(application.tranches.order_by("number"))
        record = record_through(interface, staff_user)
        for rank, percent in attempts:
            tranche = tranches[rank % len(tranches)]
            paid_before = awards_services.tranche_paid(tranche)
            wanted = max(CENT, (tranche.amount * percent / 100).quantize(CENT))
            accepted = record(tranche, wanted)
            assert accepted == (paid_before + wanted <= tranche.amount)
            paid = Payment.objects.filter(tranche__application=application)
            assert sum(paid.values_list("amount", flat=True), Decimal(0)) <= amount
            for each in tranches:
                assert awards_services.tranche_paid(each) <= each.amount

    in_rolled_back_transaction(example)
