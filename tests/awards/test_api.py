import pytest
from rest_framework.test import APIClient

from awards.models import Payment
from documents.models import DocumentJob, JobStatus

from .test_money import sign

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_payments_through_the_api_same_rules(awarded, staff_user, applicant, other_applicant):
    sign(awarded, staff_user)
    tranche = awarded.tranches.first()
    body = {"tranche": tranche.pk, "paid_on": "2026-02-01", "amount": "10500.01", "reference": "VIR-1"}
    refused = api(staff_user).post("/api/v1/awards/payments/", body, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "overpayment"
    assert api(applicant).post("/api/v1/awards/payments/", {**body, "amount": "1"}, format="json").status_code == 403
    created = api(staff_user).post("/api/v1/awards/payments/", {**body, "amount": "10500.00"}, format="json")
    assert created.status_code == 201 and created.json()["amount"] == "10500.00"
    assert api(staff_user).post("/api/v1/awards/payments/", {**body, "surprise": 1}, format="json").status_code == 400
    payment = Payment.objects.get()
    assert ids(api(applicant).get("/api/v1/awards/payments/")) == {payment.pk}
    assert ids(api(other_applicant).get("/api/v1/awards/payments/")) == set()
    assert api(other_applicant).get(f"/api/v1/awards/payments/{payment.pk}/").status_code == 404
    tranches = api(applicant).get("/api/v1/awards/tranches/").json()["results"]
    assert [(t["amount"], t["paid"]) for t in tranches] == [("10500.00", "10500.00"), ("4500.00", None)]
    assert "rapport intermédiaire" in tranches[1]["blocked_because"]


def test_reports_through_the_api(awarded, applicant, other_applicant, staff_user):
    interim = awarded.reports.get(kind="interim")
    line = awarded.budget_lines.first()
    url = f"/api/v1/awards/reports/{interim.pk}/"
    assert api(other_applicant).patch(url, {"narrative": "x"}, format="json").status_code == 404
    saved = api(applicant).patch(url, {"narrative": "Forage fait.", "actuals": {str(line.pk): "9000.00"}}, format="json")
    assert saved.status_code == 200 and saved.json()["spending"] == [{"budget_line": line.pk, "actual": "9000.00"}]
    assert api(applicant).post(url + "submit/").json()["status"] == "submitted"
    assert api(applicant).post(url + "approve/", {}, format="json").status_code == 403
    refused = api(staff_user).post(url + "request-changes/", {"comment": ""}, format="json")
    assert refused.status_code == 400 and refused.json()["field"] == "comment"
    assert api(staff_user).post(url + "approve/", {"comment": "Bien."}, format="json").json()["status"] == "approved"


def test_rules_and_top_ups_through_the_api(awarded, ccme, call, staff_user, partner_user, applicant, other_applicant):
    body = {"partner": ccme.pk, "programme": call.programme.pk, "name": "CCME", "diaspora_country": "MA",
            "project_country": "MA", "rate": "130.00", "is_active": True}
    assert api(staff_user).post("/api/v1/awards/cofinancing-rules/", body, format="json").status_code == 400
    assert api(partner_user).post("/api/v1/awards/cofinancing-rules/", {**body, "rate": "30"}, format="json").status_code == 403
    created = api(staff_user).post("/api/v1/awards/cofinancing-rules/", {**body, "rate": "30"}, format="json")
    assert created.status_code == 201
    top_ups = api(partner_user).get("/api/v1/awards/top-ups/").json()["results"]
    assert [(t["application"], t["amount"]) for t in top_ups] == [(awarded.pk, "4500.00")]
    assert ids(api(applicant).get("/api/v1/awards/top-ups/")) == {top_ups[0]["id"]}
    assert ids(api(other_applicant).get("/api/v1/awards/top-ups/")) == set()
    override_url = f"/api/v1/awards/top-ups/{top_ups[0]['id']}/override/"
    assert api(partner_user).post(override_url, {"amount": "1", "reason": "x"}, format="json").status_code == 403
    done = api(staff_user).post(override_url, {"amount": "4000.00", "reason": "Plafond 2026"}, format="json")
    assert done.json()["amount"] == "4000.00" and done.json()["override_reason"] == "Plafond 2026"
    assert ids(api(partner_user).get("/api/v1/awards/cofinancing-rules/")) == {created.json()["id"]}
    assert ids(api(applicant).get("/api/v1/awards/cofinancing-rules/")) == set()


def test_document_jobs_through_the_api(awarded, ccme_rule, staff_user, applicant, other_applicant, partner_user, django_capture_on_commit_callbacks):
    # the diploma is made by FORIM (never by the association, which may only read it)
    refused = api(applicant).post("/api/v1/documents/jobs/", {"kind": "diploma", "target": awarded.pk}, format="json")
    assert refused.status_code == 403 and not DocumentJob.objects.filter(kind="diploma").exists()
    with django_capture_on_commit_callbacks(execute=True):
        queued = api(staff_user).post("/api/v1/documents/jobs/", {"kind": "diploma", "target": awarded.pk}, format="json")
    assert queued.status_code == 202, queued.content
    job_id = queued.json()["id"]
    status = api(applicant).get(f"/api/v1/documents/jobs/{job_id}/").json()
    assert status["status"] == JobStatus.DONE and status["percent"] == 100 and status["download_url"].endswith("/download/")
    download = api(partner_user).get(f"/api/v1/documents/jobs/{job_id}/download/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF-")
    assert api(other_applicant).get(f"/api/v1/documents/jobs/{job_id}/").status_code == 404
    assert api(other_applicant).get(f"/api/v1/documents/jobs/{job_id}/download/").status_code == 404
    guess = api(other_applicant).post("/api/v1/documents/jobs/", {"kind": "diploma", "target": awarded.pk}, format="json")
    assert guess.status_code == 404
    assert api(staff_user).post("/api/v1/documents/jobs/", {"kind": "nope", "target": 1}, format="json").status_code == 404
    # The list holds the documents one may read, whoever asked for them (list and detail agree):
    # the association its dossier's agreement (made by FORIM at the award) and diploma; the partner only the diploma.
    own = set(DocumentJob.objects.filter(target_id=awarded.pk, kind__in=["agreement", "diploma"]).values_list("pk", flat=True))
    assert job_id in own and ids(api(applicant).get("/api/v1/documents/jobs/")) == own
    assert ids(api(partner_user).get("/api/v1/documents/jobs/")) == {job_id}
    assert api(staff_user).post("/api/v1/documents/jobs/", {"kind": "call_diplomas", "target": awarded.call_id, "variant": "docx"},
                                format="json").status_code == 400


def test_api_lists_keep_a_constant_number_of_queries(make_awarded, moroccan_association, applicant, ccme_rule, staff_user,
                                                     django_assert_max_num_queries):
    for n in range(2):
        make_awarded(organisation=moroccan_association, applicant=applicant, title=f"Projet {n}")
    client = api(staff_user)
    counts = {}
    for url in ("/api/v1/awards/tranches/", "/api/v1/awards/reports/", "/api/v1/awards/top-ups/", "/api/v1/awards/payments/"):
        with django_assert_max_num_queries(10):
            counts[url] = client.get(url).json()["count"]
    for n in range(2, 6):
        make_awarded(organisation=moroccan_association, applicant=applicant, title=f"Projet {n}")
    for url in counts:
        with django_assert_max_num_queries(10):
            assert client.get(url).json()["count"] >= counts[url]
    assert client.get("/api/v1/awards/top-ups/").json()["count"] == 6
