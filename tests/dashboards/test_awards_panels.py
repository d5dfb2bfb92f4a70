"""Cofinancing top-ups and late reports come from the awards app; partners see only their own."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Role
from awards.models import CofinancingRule, Report, ReportKind, ReportStatus, TopUp
from members.models import MemberRole, OrganisationKind
from tests.conftest import login
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def partner_with_rule(name, programme):
    partner = OrganisationFactory(kind=OrganisationKind.PARTNER, name=name, acronym=name)
    rule = CofinancingRule.objects.create(partner=partner, programme=programme, name=f"Complément {name}", rate=Decimal("30"))
    return partner, rule


def top_up(rule, application, amount):
    return TopUp.objects.create(rule=rule, application=application, base=application.awarded_amount,
                                computed_amount=Decimal(amount), amount=Decimal(amount))


@pytest.fixture
def cofinancing(programme, calls):
    ccme, ccme_rule = partner_with_rule("CCME", calls[2024].programme)
    _syctom, syctom_rule = partner_with_rule("SYCTOM", calls[2024].programme)
    top_up(ccme_rule, programme["ma_awarded"], "4500.00")
    top_up(ccme_rule, programme["sn_awarded"], "3000.00")
    top_up(syctom_rule, programme["sn_awarded"], "1000.00")
    return ccme


def panel(response, key):
    return next((p for p in response.context["panels"] if p.key == key), None)


def test_staff_sees_top_ups_per_partner(client, staff_user, cofinancing):
    response = login(client, staff_user).get(reverse("dashboards:staff"))
    rows = {row["label"]: (row["count"], row["total"]) for row in panel(response, "complements").rows}
    assert rows == {"CCME": (2, Decimal("7500.00")), "SYCTOM": (1, Decimal("1000.00"))}


def test_partner_sees_the_projects_it_cofinances_and_only_its_top_ups(client, cofinancing, programme):
    user = MembershipFactory(organisation=cofinancing, role=MemberRole.ADMIN, user__role=Role.PARTNER).user
    response = login(client, user).get(reverse("dashboards:mine"))
    assert response.status_code == 200
    assert response.context["totals"]["filed"] == 2
    assert {row["code"] for row in panel(response, "pays").rows} == {"SN", "MA"}
    assert [(row["label"], row["total"]) for row in panel(response, "complements").rows] == [("CCME", Decimal("7500.00"))]
    assert panel(response, "rapports-en-retard") is None
    assert client.get(reverse("dashboards:mine_csv", args=["rapports-en-retard"])).status_code == 404


def test_late_reports_are_listed_for_staff_and_the_operator(client, staff_user, operator_user, programme):
    past = datetime.date(2025, 1, 31)
    Report.objects.create(application=programme["sn_awarded"], kind=ReportKind.FINAL, due_on=past)
    Report.objects.create(application=programme["ht_awarded"], kind=ReportKind.INTERIM, due_on=past)
    Report.objects.create(application=programme["ma_awarded"], kind=ReportKind.FINAL, due_on=past,
                          status=ReportStatus.SUBMITTED)
    staff_rows = panel(login(client, staff_user).get(reverse("dashboards:staff")), "rapports-en-retard").rows
    assert {row["organisation"] for row in staff_rows} == {"Association des Marocains en France",
                                                           "Plateforme des associations franco-haïtiennes"}
    operator_rows = panel(login(client, operator_user).get(reverse("dashboards:mine")), "rapports-en-retard").rows
    assert [row["organisation"] for row in operator_rows] == ["Association des Marocains en France"]
