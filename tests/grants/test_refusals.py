"""Refusals on dossiers and calls answer a French 4xx and keep what was typed (issue 13's last gaps)."""

from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from documents.models import DocumentJob
from grants import services
from grants.models import OperatorVisa
from tests.conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(applicant):
    client = APIClient()
    client.force_authenticate(applicant)
    return client


@pytest.mark.parametrize("version", [-1, 10**30])
def test_a_made_up_lock_version_alone_is_a_409_and_moves_nothing(api, draft, version):
    before = draft.lock_version
    response = api.patch(f"/api/v1/applications/{draft.pk}/", {"lock_version": version}, format="json")
    assert response.status_code == 409 and "pendant que vous le modifiiez" in response.json()["detail"]
    draft.refresh_from_db()
    assert draft.lock_version == before


def test_the_right_lock_version_alone_changes_nothing(api, draft):
    before = draft.lock_version
    response = api.patch(f"/api/v1/applications/{draft.pk}/", {"lock_version": before}, format="json")
    assert response.status_code == 200 and response.json()["lock_version"] == before


def test_put_is_not_offered_on_a_dossier(api, draft):
    response = api.put(
        f"/api/v1/applications/{draft.pk}/", {"lock_version": draft.lock_version, "title": "X"}, format="json"
    )
    assert response.status_code == 405
    draft.refresh_from_db()
    assert draft.title != "X"


def test_a_null_body_is_refused_in_french(api, draft):
    response = api.patch(f"/api/v1/applications/{draft.pk}/", "null", content_type="application/json")
    assert response.status_code == 400
    assert "corps de la requête est vide" in str(response.json())


def test_api_amounts_are_read_like_the_pages(api, draft):
    response = api.patch(
        f"/api/v1/applications/{draft.pk}/",
        {"lock_version": draft.lock_version, "own_funds": "4 000,50"},
        format="json",
    )
    assert response.status_code == 200 and response.json()["own_funds"] == "4000.50"
    response = api.patch(
        f"/api/v1/applications/{draft.pk}/",
        {"lock_version": draft.lock_version + 1, "own_funds": "100.005"},
        format="json",
    )
    assert response.status_code == 400 and "centimes" in response.json()["own_funds"][0]
    draft.refresh_from_db()
    assert draft.own_funds == Decimal("4000.50")


def test_a_page_lock_version_that_is_not_a_number_is_a_400(client, draft, applicant):
    login(client, applicant)
    url = reverse("grants:application_edit", args=[draft.pk, "project"])
    response = client.post(url, {"lock_version": "abc", "title": "Forage à Tafraout"})
    assert response.status_code == 400 and "Version du dossier illisible" in response.content.decode()
    draft.refresh_from_db()
    assert draft.title != "Forage à Tafraout"


def test_page_amounts_take_french_commas_and_refuse_sub_cents(client, draft, applicant):
    login(client, applicant)
    url = reverse("grants:application_edit", args=[draft.pk, "budget"])
    lines = list(draft.budget_lines.all())
    data = {
        "lock_version": draft.lock_version,
        "lines-TOTAL_FORMS": len(lines),
        "lines-INITIAL_FORMS": 0,
        "amount_requested": "14 000",
        "own_funds": "1 000,50",
        "local_partner_funds": "",
        "other_funders": "0,005",  # in_kind is no longer typed (computed from the budget's in-kind lines)
    }
    for index, line in enumerate(lines):
        data.update(
            {
                f"lines-{index}-id": line.pk,
                f"lines-{index}-category": line.category,
                f"lines-{index}-label": line.label,
                f"lines-{index}-quantity": "1",
                f"lines-{index}-unit_cost": str(line.unit_cost),
            }
        )
    response = client.post(url, data)
    assert response.status_code == 400 and "deux chiffres après la virgule" in response.content.decode()
    draft.refresh_from_db()
    assert (draft.amount_requested, draft.own_funds) == (Decimal("14000.00"), Decimal("1000.50"))
    assert draft.other_funders != Decimal("0.01")


def test_a_refused_visa_shows_the_comment_again(client, draft, association, operator_org, operator_user):
    association.operator = operator_org
    association.save()
    login(client, operator_user)
    response = client.post(
        reverse("grants:visa", args=[draft.pk]), {"decision": "peut-être", "comment": "Budget à revoir"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Budget à revoir" in body and "Choisissez votre avis" in body
    assert not OperatorVisa.objects.exists()


def test_a_document_request_with_a_next_that_is_no_path_goes_to_the_job(client, draft, applicant):
    services.submit_application(application=draft, by=applicant)
    login(client, applicant)
    for next_url in ("abc", "https://example.com/", "//example.com/"):
        response = client.post(reverse("documents:request"), {"kind": "receipt", "target": draft.pk, "next": next_url})
        assert response.status_code == 302 and response["Location"].startswith("/documents/"), response["Location"]
    assert DocumentJob.objects.filter(requested_by=applicant).exists()
    response = client.post(reverse("documents:request"), {"kind": "receipt", "target": "-99999999999999999999"})
    assert response.status_code == 404
