import datetime
import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from awards.models import Payment
from grants.states import State
from tests.conftest import login

from .test_money import sign

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_projects(awarded, make_awarded, other_association, other_applicant):
    other_association.diaspora_countries = ["HT"]
    other_association.save()
    return awarded, make_awarded("9000.00", organisation=other_association, applicant=other_applicant, country="HT", title="Santé à Jacmel")


def listed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return {a.pk for a in response.context["applications"]}


def test_each_user_sees_exactly_their_projects(client, two_projects, ccme_rule, staff_user, applicant, other_applicant, partner_user):
    amf, pafha = two_projects
    url = reverse("awards:followup")
    assert listed(login(client, staff_user), url) == {amf.pk, pafha.pk}
    assert listed(login(client, applicant), url) == {amf.pk}
    assert listed(login(client, other_applicant), url) == {pafha.pk}
    assert listed(login(client, partner_user), url) == {amf.pk}  # the CCME cofinances only the Moroccan project


def test_no_guessing_by_url(client, two_projects, ccme_rule, other_applicant, partner_user, staff_user):
    amf, pafha = two_projects
    login(client, other_applicant)
    report = amf.reports.first()
    for url in (reverse("awards:detail", args=[amf.pk]), reverse("awards:report", args=[report.pk]),
                reverse("awards:agreement_file", args=[amf.pk]), reverse("awards:report_file", args=[report.pk, "cash_certificate"])):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("awards:payment_create", args=[amf.pk]), {"tranche": amf.tranches.first().pk}).status_code == 404
    login(client, partner_user)
    assert client.get(reverse("awards:detail", args=[pafha.pk])).status_code == 404
    page = client.get(reverse("awards:detail", args=[amf.pk]))
    # partners see the project and the statuses of its payments and reports (issue 14), not the transfers themselves
    assert page.status_code == 200 and 'id="payments-title"' not in page.content.decode()
    assert client.get(reverse("awards:report", args=[report.pk])).status_code == 404


def test_followup_query_count_does_not_grow_with_rows(client, staff_user, make_awarded, association, applicant, django_assert_max_num_queries):
    for n in range(3):
        make_awarded(organisation=association, applicant=applicant, title=f"Projet {n}")
    login(client, staff_user)
    with django_assert_max_num_queries(12):
        assert len(client.get(reverse("awards:followup")).context["applications"]) == 3
    for n in range(3, 8):
        make_awarded(organisation=association, applicant=applicant, title=f"Projet {n}")
    with django_assert_max_num_queries(12):
        assert len(client.get(reverse("awards:followup")).context["applications"]) == 8
    export = client.get(reverse("awards:followup") + "?format=csv")
    assert export.status_code == 200 and "Projet 7" in export.content.decode("utf-8-sig")


def test_staff_upload_the_signed_agreement_and_record_a_payment_through_the_page(client, awarded, staff_user):
    login(client, staff_user)
    detail = reverse("awards:detail", args=[awarded.pk])
    assert client.post(reverse("awards:agreement_sent", args=[awarded.pk])).status_code == 302
    bad = client.post(reverse("awards:agreement_signed", args=[awarded.pk]),
                      {"signed_file": SimpleUploadedFile("convention.pdf", b"not a pdf")})
    assert bad.status_code == 400 and "ne correspond pas" in bad.content.decode()
    ok = client.post(reverse("awards:agreement_signed", args=[awarded.pk]),
                     {"signed_file": SimpleUploadedFile("convention.pdf", b"%PDF-1.4 signed")})
    assert ok.status_code == 302
    awarded.refresh_from_db()
    assert awarded.status == State.AGREEMENT_SIGNED
    first = awarded.tranches.first()
    too_much = client.post(reverse("awards:payment_create", args=[awarded.pk]),
                           {"tranche": first.pk, "paid_on": "2026-02-01", "amount": "10500.01", "reference": "VIR-2026-001"})
    body = too_much.content.decode()
    assert too_much.status_code == 400 and "Versement refusé" in body and "VIR-2026-001" in body  # the input is kept
    client.post(reverse("awards:payment_create", args=[awarded.pk]),
                {"tranche": first.pk, "paid_on": "2026-02-01", "amount": "10500.00", "reference": "VIR-2026-001"})
    assert Payment.objects.get().amount == 10500
    awarded.refresh_from_db()
    assert awarded.status == State.IN_PROGRESS
    assert client.get(reverse("awards:agreement_file", args=[awarded.pk])).status_code == 200
    assert "10\u202f500,00" in client.get(detail).content.decode()


def test_association_cannot_record_payments_or_approve(client, awarded, applicant, staff_user):
    sign(awarded, staff_user)
    login(client, applicant)
    response = client.post(reverse("awards:payment_create", args=[awarded.pk]),
                           {"tranche": awarded.tranches.first().pk, "paid_on": "2026-02-01", "amount": "1", "reference": "X"})
    assert response.status_code == 403 and not Payment.objects.exists()


def test_report_page_keeps_input_on_error_and_submits(client, awarded, applicant, staff_user):
    report = awarded.reports.get(kind="final")
    line = awarded.budget_lines.first()
    login(client, applicant)
    url = reverse("awards:report", args=[report.pk])
    response = client.post(url, {"narrative": "Le forage alimente 1 200 habitants.", f"line_{line.pk}": "16000", "submit": "1"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "attestation des apports en numéraire" in body and "Le forage alimente 1 200 habitants." in body
    report.refresh_from_db()
    assert report.narrative == "Le forage alimente 1 200 habitants."  # saved before the refusal: nothing lost
    response = client.post(url, {"narrative": report.narrative, "cash_certificate": SimpleUploadedFile("a.pdf", b"%PDF-1.4 a"),
                                 "in_kind_certificate": SimpleUploadedFile("b.pdf", b"%PDF-1.4 b"), "submit": "1"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted"
    login(client, staff_user)
    response = client.post(url, {"review": "approve", "comment": ""})
    report.refresh_from_db()
    assert response.status_code == 302 and report.status == "approved"
    assert client.get(reverse("awards:report_file", args=[report.pk, "cash_certificate"])).status_code == 200


def test_rules_pages_refuse_a_rate_above_100(client, staff_user, ccme, call, applicant):
    login(client, applicant)
    assert client.get(reverse("awards:rules")).status_code == 403
    login(client, staff_user)
    response = client.post(reverse("awards:rule_create"), {"partner": ccme.pk, "programme": call.programme.pk, "name": "Trop", "rate": "130", "is_active": "on"})
    assert response.status_code == 400 and "100" in response.content.decode()
    response = client.post(reverse("awards:rule_create"), {"partner": ccme.pk, "programme": call.programme.pk, "name": "CCME 30 %",
                                                           "diaspora_country": "MA", "project_country": "MA", "rate": "30", "is_active": "on"})
    assert response.status_code == 302 and ccme.cofinancing_rules.get().rate == 30


def test_partner_home_lists_cofinanced_projects_with_totals(client, two_projects, ccme_rule, partner_user, applicant):
    login(client, partner_user)
    body = client.get(reverse("awards:partner_home")).content.decode()
    assert "potable à Tafraout" in body and "Santé à Jacmel" not in body and "4\u202f500,00" in body
    home = client.get(reverse("accounts:home")).content.decode()
    assert "Projets cofinancés" in home and "Tafraout" in home
    login(client, applicant)
    assert client.get(reverse("awards:partner_home")).status_code == 403


def test_overdue_report_shows_on_the_staff_page(client, awarded, staff_user):
    report = awarded.reports.get(kind="interim")
    report.due_on = datetime.date(2026, 1, 1)
    report.save()
    login(client, staff_user)
    response = client.get(reverse("awards:followup"))
    assert [r.pk for r in response.context["overdue"]] == [report.pk]
    box = html.unescape(response.content.decode().split('id="overdue-title"')[1].split("</section>")[0])
    organisation = awarded.organisation
    assert str(report) in box and awarded.title in box and (organisation.acronym or organisation.name) in box
    assert "1 janvier 2026" in box


def test_admin_pages_open_and_rule_rate_is_bounded(client, admin_user, awarded, ccme_rule):
    login(client, admin_user)
    for name in ("agreement", "tranche", "report", "cofinancingrule", "topup"):
        assert client.get(reverse(f"admin:awards_{name}_changelist")).status_code == 200, name
    assert client.get(reverse("admin:awards_topup_history", args=[awarded.top_ups.get().pk])).status_code == 200
    response = client.post(reverse("admin:awards_cofinancingrule_change", args=[ccme_rule.pk]), {
        "partner": ccme_rule.partner_id, "programme": ccme_rule.programme_id, "name": "x", "rate": "101", "is_active": "on"})
    assert response.status_code == 200 and "100" in response.content.decode()
    ccme_rule.refresh_from_db()
    assert ccme_rule.rate == 30


def test_the_accompanying_operator_sees_its_projects_and_their_late_reports(client, two_projects, operator_user, operator_org):
    amf, pafha = two_projects
    amf.organisation.operator = operator_org
    amf.organisation.save()
    report = amf.reports.get(kind="interim")
    report.due_on = datetime.date(2026, 1, 1)
    report.save()
    login(client, operator_user)
    response = client.get(reverse("awards:followup"))
    assert {a.pk for a in response.context["applications"]} == {amf.pk}
    assert [r.pk for r in response.context["overdue"]] == [report.pk]
    assert client.get(reverse("awards:report", args=[report.pk])).status_code == 200
    assert client.get(reverse("awards:detail", args=[pafha.pk])).status_code == 404
