"""Issue 14, the budget step: in-kind contributions entered once (the budget's lines « en nature » are the funding
plan's in-kind figure, in the pages, the service and the API), one reading of « Budget équilibré » for the totals box
and the rules, and the empty row "+ Ajouter une ligne" copies in the page."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from grants import services
from grants.eligibility import budget_balance, check_application
from tests.conftest import login


def lines_of(application):
    return [
        {
            "id": line.pk,
            "category": line.category,
            "label": line.label,
            "quantity": line.quantity,
            "unit_cost": line.unit_cost,
        }
        for line in application.budget_lines.all()
    ]


def test_the_service_computes_in_kind_from_the_budget_lines_and_ignores_a_typed_figure(draft, applicant):
    rows = lines_of(draft)
    in_kind = next(row for row in rows if row["category"] == "in_kind")
    in_kind["unit_cost"] = Decimal("2500.00")
    rows.append(
        {
            "category": "in_kind",
            "label": "Locaux prêtés par la mairie",
            "quantity": Decimal("2"),
            "unit_cost": Decimal("250.00"),
        }
    )
    services.save_step(
        application=draft,
        by=applicant,
        step="budget",
        lock_version=draft.lock_version,
        values={"in_kind": Decimal("99.00"), "own_funds": Decimal("4000.00")},
        lines=rows,
    )
    draft.refresh_from_db()
    assert draft.in_kind == Decimal("3000.00")  # 2 500 + 2 × 250, the typed 99 is not a field of the step
    assert draft.funding_total == Decimal("14000.00") + Decimal("4000.00") + Decimal("3000.00")
    # deleting the in-kind lines empties the figure
    services.save_step(
        application=draft,
        by=applicant,
        step="budget",
        lock_version=draft.lock_version,
        values={},
        lines=[{**row, "delete": row["category"] == "in_kind"} for row in lines_of(draft)],
    )
    draft.refresh_from_db()
    assert draft.in_kind == Decimal("0.00")


def test_the_page_shows_in_kind_read_only_with_its_explanation_and_ignores_a_posted_figure(client, draft, applicant):
    login(client, applicant)
    url = reverse("grants:application_edit", args=[draft.pk, "budget"])
    body = client.get(url).content.decode()
    assert 'name="in_kind"' not in body
    block = re.search(r'<div class="form-field" id="in-kind-total">(.*?)</div>', body, re.S).group(1)
    assert "2\u202f000,00" in block
    assert (
        "Les contributions en nature sont les lignes « en nature » de votre budget : elles s'ajoutent aux dépenses et aux ressources."
        in block
    )
    data = {
        "lock_version": draft.lock_version,
        "lines-TOTAL_FORMS": "0",
        "lines-INITIAL_FORMS": "0",
        "amount_requested": "14000",
        "own_funds": "4000",
        "in_kind": "7777",
        "save": "1",
    }
    assert client.post(url, data).status_code == 302
    draft.refresh_from_db()
    assert draft.in_kind == Decimal("2000.00")


def test_the_api_shows_in_kind_and_refuses_to_write_it(draft, applicant):
    api = APIClient()
    api.force_authenticate(applicant)
    url = f"/api/v1/applications/{draft.pk}/"
    assert api.get(url).json()["in_kind"] == "2000.00"
    response = api.patch(url, {"lock_version": draft.lock_version, "in_kind": "5000"}, format="json")
    assert response.status_code == 400 and response.json()["in_kind"] == ["Champ inconnu ou en lecture seule."]
    lines = [*lines_of(draft), {"category": "in_kind", "label": "Bénévolat", "quantity": "1", "unit_cost": "500"}]
    for line in lines:
        line.update({key: str(value) for key, value in line.items() if isinstance(value, Decimal)})
    response = api.patch(url, {"lock_version": draft.lock_version, "budget_lines": lines}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["in_kind"] == "2500.00"


def totals_box(body):
    return re.search(r'<div id="budget-totals".*?</dl>', body, re.S).group(0)


@pytest.mark.parametrize("case", ["empty", "unbalanced", "balanced"])
def test_the_totals_box_and_the_rule_read_the_same_balance(client, draft, applicant, case):
    if case == "empty":
        draft.budget_lines.all().delete()
        draft.amount_requested = draft.own_funds = draft.in_kind = Decimal("0.00")
    elif case == "unbalanced":
        draft.own_funds = Decimal("3000.00")
    draft.save()
    balanced = budget_balance(draft)[2]
    rule = next(r for r in check_application(draft) if r.code == "budget_balanced")
    assert rule.ok is balanced is (case == "balanced")
    login(client, applicant)
    body = client.get(reverse("grants:application_edit", args=[draft.pk, "budget"]) + "?verifier=1").content.decode()
    assert ("Budget équilibré</span>" in totals_box(body)) is balanced
    assert (
        "<strong>Budget équilibré</strong>" in body
    ) is not balanced  # « À corriger dans cette étape : Budget équilibré »


def test_the_page_carries_the_empty_row_that_the_add_button_copies(client, draft, applicant):
    login(client, applicant)
    body = client.get(reverse("grants:application_edit", args=[draft.pk, "budget"])).content.decode()
    template = re.search(r'<template id="budget-line-template">(.*?)</template>', body, re.S).group(1)
    assert 'name="lines-__prefix__-category"' in template and 'id="amount-__prefix__"' in template
    assert 'name="lines-__prefix__-quantity" value="1"' in template
    assert 'name="lines-TOTAL_FORMS" value="3"' in body  # two lines and the blank one
    assert "data-add-line" in body and "js/budget.js" in body
