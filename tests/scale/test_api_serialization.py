"""The API lists read their rows the quick way (issue 15) and say exactly what DRF's own reading said."""

import datetime
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from forim_portal.quick_read import ChoiceLabelField, QuickReadMixin
from grants.api import ApplicationSerializer, BudgetLineSerializer, CorrectionRequestSerializer
from grants.models import Application, BudgetLine, CorrectionRequest
from grants.states import State
from members.models import OrganisationKind
from reviews import selectors
from reviews.api import InstructionApplicationSerializer
from tests.conftest import login
from tests.factories import ApplicationFactory, CallFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def drf_reading(serializer_class):
    """The serializer as DRF reads rows, field by field through `get_attribute` (no quick path)."""
    return type(
        f"Drf{serializer_class.__name__}",
        (serializer_class,),
        {"to_representation": serializers.Serializer.to_representation},
    )


class DrfInstruction(drf_reading(InstructionApplicationSerializer)):
    status_label = serializers.CharField(source="get_status_display")  # what the field said before ChoiceLabelField


class DrfApplication(drf_reading(ApplicationSerializer)):
    budget_lines = drf_reading(BudgetLineSerializer)(many=True, required=False)
    corrections = drf_reading(CorrectionRequestSerializer)(source="correction_requests", many=True, read_only=True)


def as_json(data):
    return json.loads(JSONRenderer().render(data))


@pytest.fixture
def dossiers(db, staff_user):
    """A dossier in each state, with and without operator, budget lines, corrections, score; the draft has no country."""
    call = CallFactory()
    operator = OrganisationFactory(kind=OrganisationKind.OPERATOR, name="Opérateur d'appui Sud", acronym="OAS")
    rows = []
    for index, state in enumerate(s for s in State if s != State.DRAFT):
        rows.append(
            ApplicationFactory(
                call=call,
                status=state,
                operator=operator if index % 2 else None,
                country="SN" if index % 3 else "ML",
                score=Decimal("14.25") if index % 4 == 0 else None,
                awarded_amount=Decimal("9000.00") if index % 5 == 0 else None,
            )
        )
    draft = ApplicationFactory(call=call, status=State.DRAFT, budget_currency="XOF", country="")
    BudgetLine.objects.create(
        application=draft,
        category="investment",
        label="Forage",
        quantity=Decimal("2"),
        unit_cost=Decimal("1524.49"),
        amount=Decimal("3048.98"),
        currency="XOF",
        local_unit_cost=Decimal("1000000"),
        local_amount=Decimal("2000000"),
        position=1,
    )
    BudgetLine.objects.create(
        application=draft, category="training", label="Formation <comité>", amount=Decimal("500.00"), position=2
    )
    CorrectionRequest.objects.create(
        application=rows[0],
        sections=["project", "budget"],
        message="Précisez le calendrier.",
        due_on=datetime.date(2026, 12, 15),
        requested_by=staff_user,
    )
    return [*rows, draft]


def test_instruction_api_says_what_drf_said(dossiers, staff_user, client):
    login(client, staff_user)
    body = client.get(reverse("instruction-application-list"), {"page_size": 100}).json()["results"]
    rows = selectors.with_review_figures(
        selectors.staff_applications(staff_user).filter(pk__in=[r["id"] for r in body])
    )
    expected = {row["id"]: row for row in as_json(DrfInstruction(rows, many=True).data)}
    assert len(body) == len(dossiers) - 1  # not the draft
    assert {row["id"]: row for row in body} == expected
    labels = {a.pk: a.get_status_display() for a in Application.objects.all()}
    assert all(row["status_label"] == labels[row["id"]] for row in body)


def test_applications_api_says_what_drf_said(dossiers, staff_user, client):
    login(client, staff_user)
    view = type("View", (), {"action": "list"})()
    with CaptureQueriesContext(connection) as captured:
        body = client.get(reverse("application-list"), {"page_size": 100}).json()["results"]
    rows = Application.objects.filter(pk__in=[r["id"] for r in body]).prefetch_related(
        "budget_lines", "correction_requests"
    )
    expected = {row["id"]: row for row in as_json(DrfApplication(rows, many=True, context={"view": view}).data)}
    assert {row["id"]: row for row in body} == expected
    draft = next(row for row in body if row["status"] == State.DRAFT)
    assert [line["label"] for line in draft["budget_lines"]] == ["Forage", "Formation <comité>"]
    assert sum(len(row["corrections"]) for row in body) == 1
    # a list shows neither documents nor visas: it does not read them
    tables = " ".join(q["sql"] for q in captured.captured_queries)
    assert '"grants_applicationdocument"' not in tables and '"grants_operatorvisa"' not in tables


def test_quick_read_hands_the_unusual_paths_to_drf():
    """A method, a missing related row, a missing attribute with a default, a nested path through None."""

    class Row:
        title = "Forage"
        organisation = None

        def shout(self):
            return self.title.upper()

    class Quick(QuickReadMixin, serializers.Serializer):
        title = serializers.CharField()
        shout = serializers.CharField()
        organisation_name = serializers.CharField(source="organisation.name", allow_null=True)
        missing = serializers.CharField(default="—")
        skipped = serializers.CharField(required=False)
        status_label = ChoiceLabelField(source="title", choices=[("Forage", "Un forage")])

    plain = type("Plain", (Quick,), {"to_representation": serializers.Serializer.to_representation})
    assert (
        Quick(Row()).data
        == plain(Row()).data
        == {
            "title": "Forage",
            "shout": "FORAGE",
            "organisation_name": None,
            "missing": "—",
            "status_label": "Un forage",
        }
    )
