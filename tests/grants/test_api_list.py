"""The API list of dossiers is read with `.values()` (issue 15): each of its rows says, byte for byte, what the
dossier's own page of the API (the detail, through ApplicationSerializer) says, but the rules."""

import datetime
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from access import visibility
from grants.models import Application, BudgetLine, CorrectionRequest
from grants.states import State
from members.models import OrganisationKind
from tests.conftest import login
from tests.factories import ApplicationFactory, CallFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def line(application, position, **values):
    values = {"category": "investment", "label": f"Ligne {position}", "amount": Decimal("100.00"), **values}
    return BudgetLine.objects.create(application=application, position=position, **values)


@pytest.fixture
def dossiers(db, staff_user, association):
    """Dossiers of every state; converted budgets (a fixed parity, a call's rate), lines out of id order,
    corrections open and resolved, no operator, no country, no reference, no start date."""
    call = CallFactory()
    operator = OrganisationFactory(kind=OrganisationKind.OPERATOR, name="Opérateur d'appui Sud")
    rows = [
        ApplicationFactory(
            call=call,
            organisation=association if index % 3 == 0 else OrganisationFactory(),
            status=state,
            operator=operator if index % 2 else None,
            country="ML" if index % 4 else "",
            beneficiaries_count=None if index % 2 else 120,
            start_date=datetime.date(2027, 3, 1) if index % 2 else None,
            submitted_at=None
            if state == State.DRAFT
            else datetime.datetime(2026, 10, 1, 9, 30, 15, 123456, tzinfo=datetime.UTC),
        )
        for index, state in enumerate(State)
    ]
    fixed = ApplicationFactory(
        call=call, status=State.DRAFT, budget_currency="XOF", budget_units_per_euro=Decimal("655.957")
    )
    dated = ApplicationFactory(
        call=call,
        status=State.CORRECTIONS_REQUESTED,
        organisation=association,
        budget_currency="MAD",
        budget_units_per_euro=Decimal("10.851234"),
        budget_rate_date=datetime.date(2026, 9, 30),
    )
    line(fixed, 2, label="Formation <comité>", category="training")
    line(
        fixed,
        1,
        label="Forage",
        quantity=Decimal("2"),
        unit_cost=Decimal("1524.49"),
        amount=Decimal("3048.98"),
        currency="XOF",
        local_unit_cost=Decimal("1000000"),
        local_amount=Decimal("2000000"),
    )
    line(dated, 1, currency="MAD", local_unit_cost=Decimal("1085.12"), local_amount=Decimal("1085.12"))
    line(rows[1], 1)
    for application, resolved in (
        (dated, None),
        (dated, datetime.datetime(2026, 11, 2, tzinfo=datetime.UTC)),
        (rows[2], None),
    ):
        CorrectionRequest.objects.create(
            application=application,
            sections=["project", "budget"],
            message="Précisez le calendrier.",
            due_on=datetime.date(2026, 12, 15),
            requested_by=staff_user,
            resolved_at=resolved,
        )
    return [*rows, fixed, dated]


def listed(client, **params):
    response = client.get(reverse("application-list"), {"page_size": 100, **params})
    assert response.status_code == 200
    return response.json()


def test_each_row_of_the_list_is_the_dossier_as_its_detail_says_it(dossiers, staff_user, client):
    login(client, staff_user)
    body = listed(client)
    assert body["count"] == len(dossiers) and [row["id"] for row in body["results"]] == [
        a.pk for a in Application.objects.order_by("-created_at", "-id")
    ]
    for row in body["results"]:
        detail = client.get(reverse("application-detail", args=[row["id"]])).json()
        detail["rules"] = []  # a list leaves the rules out (they cost queries a row)
        assert json.dumps(row, ensure_ascii=False) == json.dumps(detail, ensure_ascii=False)  # keys, order, formats
    shown = {row["id"]: row for row in body["results"]}
    fixed, dated = dossiers[-2:]
    assert [line["label"] for line in shown[fixed.pk]["budget_lines"]] == ["Forage", "Formation <comité>"]
    assert shown[fixed.pk]["budget_lines"][0]["local_amount"] == "2000000.00"
    assert shown[dated.pk]["budget_conversion"] and shown[fixed.pk]["budget_conversion"]
    assert len(shown[dated.pk]["corrections"]) == 2 and shown[dated.pk]["budget_units_per_euro"] == "10.851234"


def test_the_list_filters_and_pages_as_before(dossiers, staff_user, client):
    login(client, staff_user)
    drafts = listed(client, status=State.DRAFT)
    assert {row["id"] for row in drafts["results"]} == {a.pk for a in dossiers if a.status == State.DRAFT}
    first, second = listed(client, page_size=3), listed(client, page_size=3, page=2)
    assert first["count"] == len(dossiers) and second["previous"] and first["next"]
    everything = [row["id"] for row in listed(client)["results"]]
    assert [row["id"] for row in first["results"] + second["results"]] == everything[:6]


def test_an_association_lists_the_dossiers_it_may_see(dossiers, applicant, client):
    login(client, applicant)
    body = listed(client)
    assert {row["id"] for row in body["results"]} == set(
        visibility.applications(applicant).values_list("pk", flat=True)
    )
    assert body["count"] == len(body["results"]) > 0


def test_the_list_reads_a_constant_number_of_queries(dossiers, staff_user, client):
    login(client, staff_user)
    counts = []
    for size in (2, 40):
        with CaptureQueriesContext(connection) as captured:
            assert len(listed(client, page_size=size)["results"]) == min(size, len(dossiers))
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
