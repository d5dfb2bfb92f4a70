"""FORIM's home page lists the reports to chase, in a constant number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from awards.models import Report
from tests.conftest import login
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def home(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("accounts:home"))
    assert response.status_code == 200
    return response.text, len(queries)


def test_staff_home_lists_late_reports_oldest_first_in_constant_queries(client, awarded, make_awarded, staff_user):
    Report.objects.update(due_on=timezone.localdate() + datetime.timedelta(days=30))
    login(client, staff_user)
    body, _queries = home(client)
    assert "Rapports en retard" not in body  # nothing late: no section
    Report.objects.filter(application=awarded, kind="interim").update(due_on=timezone.localdate() - datetime.timedelta(days=12))
    body, one_late = home(client)
    assert "Rapports en retard" in body and "1 rapport attendu n'est pas arrivé." in body and "12 jours" in body
    assert reverse("awards:detail", args=[awarded.pk]) in body
    for n in range(3):
        organisation = OrganisationFactory(name=f"Association retard {n}", acronym=f"AR{n}")
        applicant = MembershipFactory(organisation=organisation, user__email=f"retard{n}@example.org").user
        other = make_awarded(organisation=organisation, applicant=applicant, title=f"Projet {n}")
        Report.objects.filter(application=other).update(due_on=timezone.localdate() + datetime.timedelta(days=30))
        Report.objects.filter(application=other, kind="interim").update(due_on=timezone.localdate() - datetime.timedelta(days=3 + n))
    body, four_late = home(client)
    assert "4 rapports attendus ne sont pas arrivés." in body
    assert body.index("12 jours") < body.index("5 jours") < body.index("3 jours")  # oldest first
    assert four_late == one_late


def test_association_home_has_no_late_reports_section(client, awarded, applicant):
    Report.objects.filter(application=awarded, kind="interim").update(due_on=timezone.localdate() - datetime.timedelta(days=12))
    body, _queries = home(login(client, applicant))
    assert "Rapports en retard" not in body
