import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from awards.models import ReportSpending, ReportStatus
from awards.notifications import send_report_reminders
from awards.selectors import overdue_reports
from awards.services import record_payment, review_report, save_report, save_rule, submit_report
from forim_portal.errors import DomainError
from grants.models import Application

from .test_money import sign

pytestmark = pytest.mark.django_db


def pdf_upload(name="attestation.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 certificate", content_type="application/pdf")


def test_the_association_fills_submits_and_staff_ask_for_changes_then_approve(
    awarded, applicant, staff_user, django_capture_on_commit_callbacks,
):
    interim = awarded.reports.get(kind="interim")
    line = awarded.budget_lines.first()
    save_report(report=interim, by=applicant, narrative="Forage terminé.", actuals={line.pk: "9000,50"})
    assert ReportSpending.objects.get(report=interim, budget_line=line).actual == Decimal("9000.50")
    with django_capture_on_commit_callbacks(execute=True):
        submit_report(report=interim, by=applicant)
    assert interim.status == ReportStatus.SUBMITTED
    assert any("remis" in m.subject for m in mail.outbox) and any(m.to == ["staff@example.org"] for m in mail.outbox)
    with pytest.raises(DomainError, match="plus modifiable"):
        save_report(report=interim, by=applicant, narrative="change")
    with pytest.raises(DomainError, match="compléments attendus"):
        review_report(report=interim, by=staff_user, approve=False, comment="")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        review_report(report=interim, by=staff_user, approve=False, comment="Joignez les factures du forage.")
    assert interim.status == ReportStatus.CHANGES_REQUESTED
    assert [m.to for m in mail.outbox] == [["tresorier@example.org"]] and "factures du forage" in mail.outbox[0].body
    submit_report(report=interim, by=applicant)
    review_report(report=interim, by=staff_user, approve=True)
    assert interim.status == ReportStatus.APPROVED


def test_the_second_tranche_waits_for_the_interim_report(awarded, applicant, staff_user):
    sign(awarded, staff_user)
    first, second = awarded.tranches.all()
    record_payment(tranche=first, paid_on="2026-02-01", amount="10500.00", reference="V1", by=staff_user)
    with pytest.raises(DomainError, match="après l'approbation"):
        record_payment(tranche=second, paid_on="2026-06-01", amount="4500.00", reference="V2", by=staff_user)
    interim = awarded.reports.get(kind="interim")
    save_report(report=interim, by=applicant, narrative="Mi-parcours.")
    submit_report(report=interim, by=applicant)
    review_report(report=interim, by=staff_user, approve=True)
    record_payment(tranche=second, paid_on="2026-06-01", amount="4500.00", reference="V2", by=staff_user)
    with pytest.raises(DomainError, match="il reste 0,00\u00a0€"):
        record_payment(tranche=second, paid_on="2026-06-01", amount="0.01", reference="V3", by=staff_user)


def test_a_final_report_needs_its_certificates(awarded, applicant):
    final = awarded.reports.get(kind="final")
    save_report(report=final, by=applicant, narrative="Projet achevé.")
    with pytest.raises(DomainError, match=r"numéraire.*nature"):
        submit_report(report=final, by=applicant)
    save_report(report=final, by=applicant, cash_certificate=pdf_upload(), in_kind_certificate=pdf_upload("nature.pdf"))
    submit_report(report=final, by=applicant)
    assert final.status == ReportStatus.SUBMITTED


def test_reports_only_for_running_projects_and_only_by_their_association(awarded, applicant, other_applicant, staff_user):
    interim = awarded.reports.get(kind="interim")
    with pytest.raises(DomainError) as refused:
        save_report(report=interim, by=other_applicant, narrative="intrus")
    assert refused.value.status == 403
    Application.objects.filter(pk=awarded.pk).update(status="closed")
    interim.application.refresh_from_db()
    with pytest.raises(DomainError, match="pas en cours"):
        save_report(report=interim, by=applicant, narrative="trop tard")


def test_reminders_before_and_after_the_due_date_each_once(awarded, applicant, operator_user, operator_org, django_capture_on_commit_callbacks):
    awarded.organisation.operator = operator_org
    awarded.organisation.save()
    interim = awarded.reports.get(kind="interim")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_report_reminders(today=interim.due_on - datetime.timedelta(days=20)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert send_report_reminders(today=interim.due_on - datetime.timedelta(days=10)) == 1
    assert [m.to for m in mail.outbox] == [["tresorier@example.org"]] and "Rappel" in mail.outbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        assert send_report_reminders(today=interim.due_on - datetime.timedelta(days=9)) == 0
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_report_reminders(today=interim.due_on + datetime.timedelta(days=3)) == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["opap@example.org", "tresorier@example.org"]
    assert "en retard" in mail.outbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        assert send_report_reminders(today=interim.due_on + datetime.timedelta(days=4)) == 0
    interim.refresh_from_db()
    assert interim.reminders_sent == ["before_14", "late_1"]


def test_overdue_reports_are_listed_for_a_queryset_of_applications(awarded, make_awarded, other_association, other_applicant):
    other = make_awarded(organisation=other_association, applicant=other_applicant, country="HT", title="Santé")
    late_day = awarded.reports.get(kind="interim").due_on + datetime.timedelta(days=1)
    assert {r.application_id for r in overdue_reports(today=late_day)} == {awarded.pk, other.pk}
    only_one = overdue_reports(Application.objects.filter(pk=other.pk), today=late_day)
    assert [r.application_id for r in only_one] == [other.pk]


def test_rule_rate_must_be_between_0_and_100(ccme, call, staff_user):
    with pytest.raises(DomainError, match="entre 0 et 100"):
        save_rule(by=staff_user, partner=ccme, programme=call.programme, name="Trop", rate=Decimal("130"), is_active=True)
    with pytest.raises(DomainError, match="entre 0 et 100"):
        save_rule(by=staff_user, partner=ccme, programme=call.programme, name="Négatif", rate=Decimal("-1"), is_active=True)


def test_a_rule_belongs_to_a_partner(association, call, staff_user):
    with pytest.raises(DomainError, match="partenaire"):
        save_rule(by=staff_user, partner=association, programme=call.programme, name="X", rate=Decimal("10"), is_active=True)


def test_override_keeps_the_reason_and_history_and_survives_recomputation(awarded, ccme_rule, staff_user):
    from awards.services import compute_top_ups, override_top_up

    top_up = awarded.top_ups.get()
    with pytest.raises(DomainError, match="motif"):
        override_top_up(top_up=top_up, amount="4000", reason=" ", by=staff_user)
    override_top_up(top_up=top_up, amount="4000,00", reason="Plafond budgétaire du CCME pour 2026", by=staff_user)
    compute_top_ups(application=awarded)
    top_up.refresh_from_db()
    assert top_up.amount == Decimal("4000.00") and top_up.computed_amount == Decimal("4500.00")
    assert [h.amount for h in top_up.history.order_by("history_date")] == [Decimal("4500.00"), Decimal("4000.00")]


def test_the_beat_task_sends_the_reminders(settings, awarded, django_capture_on_commit_callbacks):
    from awards.tasks import remind_reports

    assert settings.CELERY_BEAT_SCHEDULE["awards-report-reminders"]["task"] == "awards.tasks.remind_reports"
    report = awarded.reports.get(kind="interim")
    report.due_on = datetime.date.today() - datetime.timedelta(days=2)
    report.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_reports.delay().get() == 1
    assert [m.to for m in mail.outbox] == [["tresorier@example.org"]] and "en retard" in mail.outbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_reports.delay().get() == 0
