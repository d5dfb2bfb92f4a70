"""The API: same rules and permissions as the pages."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from grants import services
from grants.models import Application, BudgetLine
from grants.states import State
from tests.factories import ApplicationFactory


@pytest.fixture
def api():
    return APIClient()


def as_user(api, user):
    api.force_authenticate(user)
    return api


def test_calls_are_readable_and_written_only_by_staff(api, call, applicant, staff_user):
    response = as_user(api, applicant).get("/api/v1/calls/")
    assert [c["title"] for c in response.json()["results"]] == ["Appel PRA/OSIM 2026"]
    assert response.json()["results"][0]["max_grant"] == "15000.00"
    assert api.patch(f"/api/v1/calls/{call.pk}/", {"max_grant": "1"}, format="json").status_code == 403
    response = as_user(api, staff_user).patch(f"/api/v1/calls/{call.pk}/", {"max_grant": "12000.00"}, format="json")
    assert response.status_code == 200 and call.__class__.objects.get(pk=call.pk).max_grant == Decimal("12000.00")


def test_list_shows_only_visible_applications(api, draft, other_draft, applicant, staff_user, django_assert_max_num_queries):
    for _ in range(12):
        ApplicationFactory(call=draft.call, organisation=draft.organisation)
    as_user(api, applicant)
    with django_assert_max_num_queries(15):  # constant: throttle cache, memberships, count, rows, 4 prefetches
        response = api.get("/api/v1/applications/")
    ids = {row["id"] for row in response.json()["results"]}
    assert ids == set(Application.objects.filter(organisation=draft.organisation).values_list("pk", flat=True))
    assert api.get(f"/api/v1/applications/{other_draft.pk}/").status_code == 404
    assert api.patch(f"/api/v1/applications/{other_draft.pk}/", {"title": "x", "lock_version": 0}, format="json").status_code == 404
    assert api.post(f"/api/v1/applications/{other_draft.pk}/submit/").status_code == 404
    as_user(api, staff_user)
    assert len(api.get("/api/v1/applications/?page_size=50").json()["results"]) == Application.objects.count()


def test_create_update_and_submit_a_draft(api, call, association, applicant):
    as_user(api, applicant)
    response = api.post("/api/v1/applications/", {"call": call.pk, "title": "Cantine scolaire", "country": "SN", "sector": "education", "duration_months": 10}, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "draft" and data["title"] == "Cantine scolaire"
    assert any(rule["code"] == "budget_balanced" and not rule["ok"] for rule in data["rules"])
    again = api.post("/api/v1/applications/", {"call": call.pk}, format="json")
    assert again.json()["id"] == data["id"]  # a double click makes one draft
    lines = [{"category": "investment", "label": "Cuisine équipée", "quantity": "1", "unit_cost": "9000"},
             {"category": "staff", "label": "Cuisinière", "quantity": "10", "unit_cost": "100"}]
    response = api.patch(f"/api/v1/applications/{data['id']}/", {
        "lock_version": again.json()["lock_version"], "budget_lines": lines,
        "amount_requested": "7000", "own_funds": "3000",
    }, format="json")
    assert response.status_code == 200, response.json()
    assert [line["amount"] for line in response.json()["budget_lines"]] == ["9000.00", "1000.00"]
    stale = api.patch(f"/api/v1/applications/{data['id']}/", {"lock_version": again.json()["lock_version"], "title": "Autre"}, format="json")
    assert stale.status_code == 409 and "pendant que vous le modifiiez" in stale.json()["detail"]
    response = api.post(f"/api/v1/applications/{data['id']}/submit/")
    assert response.status_code == 200, response.json()
    assert response.json()["reference"] == "PRA-2026-0001" and response.json()["status"] == State.SUBMITTED
    assert api.patch(f"/api/v1/applications/{data['id']}/", {"lock_version": response.json()["lock_version"], "title": "x"}, format="json").status_code == 403


def test_bad_numbers_get_french_messages_and_change_nothing(api, draft, applicant):
    response = as_user(api, applicant).patch(f"/api/v1/applications/{draft.pk}/", {
        "lock_version": draft.lock_version, "amount_requested": "beaucoup", "own_funds": "-10",
    }, format="json")
    assert response.status_code == 400
    errors = response.json()
    # read by forim_portal.money.parse_amount, as on the pages and in the services
    assert "Montant invalide" in errors["amount_requested"][0] and "négatif" in errors["own_funds"][0]
    draft.refresh_from_db()
    assert draft.amount_requested == Decimal("14000.00")


def test_submit_refused_when_rules_fail(api, draft, applicant):
    services.save_step(application=draft, by=applicant, step="budget", values={"amount_requested": Decimal("16000.00")}, lock_version=draft.lock_version)
    response = as_user(api, applicant).post(f"/api/v1/applications/{draft.pk}/submit/")
    assert response.status_code == 400 and "plafond" in response.json()["detail"]
    assert BudgetLine.objects.filter(application=draft).count() == 2


def test_cannot_create_for_an_association_one_does_not_act_for(api, call, applicant, other_association):
    response = as_user(api, applicant).post("/api/v1/applications/", {"call": call.pk, "organisation": other_association.pk}, format="json")
    assert response.status_code == 400 and "association" in response.json()["organisation"][0]
    assert not Application.objects.filter(organisation=other_association).exists()


def test_visa_refused_once_filed(draft, applicant, association, operator_org, operator_user):
    from forim_portal.errors import DomainError

    association.operator = operator_org
    association.save()
    services.submit_application(application=draft, by=applicant)
    draft.refresh_from_db()
    with pytest.raises(DomainError):
        services.give_visa(application=draft, by=operator_user, decision="granted")
    assert not draft.visas.exists()


def test_receipt_is_a_registered_document_kind(draft, applicant, django_capture_on_commit_callbacks):
    from documents.models import DocumentJob
    from documents.services import request_document

    services.submit_application(application=draft, by=applicant)
    with django_capture_on_commit_callbacks(execute=True):
        job = request_document(kind="receipt", target=draft, user=applicant)
    job = DocumentJob.objects.get(pk=job.pk)
    assert job.status == "done" and job.filename == "accuse-de-depot-PRA-2026-0001.pdf"



def test_calls_list_their_countries_as_codes(api, call, applicant):
    """Multiple-country fields serialise as ISO codes (the fuzzer found a 500 here)."""
    call.excluded_countries = ["ML"]
    call.eligible_countries = ["SN", "MA"]
    call.save()
    row = as_user(api, applicant).get("/api/v1/calls/").json()["results"][0]
    assert row["excluded_countries"] == ["ML"]
    assert sorted(row["eligible_countries"]) == ["MA", "SN"]
    assert as_user(api, applicant).get(f"/api/v1/calls/{call.pk}/").json()["excluded_countries"] == ["ML"]


def test_unknown_fields_on_a_draft_are_refused(api, draft, applicant):
    response = as_user(api, applicant).patch(
        f"/api/v1/applications/{draft.pk}/", {"zzz": 1, "lock_version": draft.lock_version}, format="json"
    )
    assert response.status_code == 400
    assert "zzz" in response.json()


def test_an_assigned_reviewer_does_not_get_the_dossier_through_the_grants_api(api, draft, reviewer):
    """Reviewers reach their dossiers only through the reviews app, which can hide the applicant."""
    from reviews.models import ReviewAssignment

    ReviewAssignment.objects.create(application=draft, reviewer=reviewer)
    as_user(api, reviewer)
    assert api.get("/api/v1/applications/").json()["results"] == []
    assert api.get(f"/api/v1/applications/{draft.pk}/").status_code == 404
