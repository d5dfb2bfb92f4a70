"""Issue 14: the cofinancing partner sees, per dossier, what was paid and where the reports stand, and its
follow-up pages lead back to its own list (never the staff's or the association's)."""

import datetime
import re

import pytest
from django.urls import reverse

from awards.models import Payment, ReportStatus
from forim_portal.formats.filters import euros
from tests.conftest import login

pytestmark = pytest.mark.django_db


def breadcrumbs(html):
    return re.search(r'<nav aria-label="Fil d[^"]*" class="muted">(.*?)</nav>', html, re.S).group(1)


@pytest.fixture
def paid(awarded, staff_user):
    first = awarded.tranches.order_by("number").first()
    Payment.objects.create(
        tranche=first,
        paid_on=datetime.date(2026, 3, 2),
        amount=first.amount,
        reference="VIR-SECRET-001",
        recorded_by=staff_user,
    )
    report = awarded.reports.order_by("due_on").first()
    report.due_on = datetime.date(2000, 1, 1)  # long past: overdue
    report.save(update_fields=["due_on"])
    return awarded, first, report


def test_partner_home_shows_payments_and_reports_per_dossier(client, paid, ccme_rule, partner_user):
    awarded, first, report = paid
    body = login(client, partner_user).get(reverse("awards:partner_home")).content.decode()
    tranches = awarded.tranches.count()
    assert f"1 tranche versée sur {tranches}" in body
    assert f"{euros(first.amount)} versés" in body
    assert report.get_kind_display() in body and "En retard" in body
    assert "VIR-SECRET-001" not in body  # the transfer's reference stays private


def test_partner_follow_up_page_shows_statuses_and_leads_back_to_its_list(
    client, paid, ccme_rule, partner_user, applicant
):
    awarded, _first, _report = paid
    body = login(client, partner_user).get(reverse("awards:detail", args=[awarded.pk])).content.decode()
    crumbs = breadcrumbs(body)
    assert f'href="{reverse("awards:partner_home")}"' in crumbs and f'href="{reverse("awards:followup")}"' not in crumbs
    assert "Versements et rapports" in body and "En retard" in body and "VIR-SECRET-001" not in body
    # the association keeps its own page: its breadcrumb and the detailed payments, no partner box
    own = login(client, applicant).get(reverse("awards:detail", args=[awarded.pk])).content.decode()
    assert "Versements et rapports" not in own and "VIR-SECRET-001" in own
    assert f'href="{reverse("awards:followup")}"' in breadcrumbs(own)


def test_partner_statuses_follow_report_approval(client, paid, ccme_rule, partner_user):
    _awarded, _first, report = paid
    report.status = ReportStatus.APPROVED
    report.save(update_fields=["status"])
    body = login(client, partner_user).get(reverse("awards:partner_home")).content.decode()
    assert "Approuvé" in body and "En retard" not in body
