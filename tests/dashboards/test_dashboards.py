import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django_countries import countries

from accounts.models import Role
from grants.states import State
from support.models import AccompanimentAgreement, SupportKind, SupportLog
from tests.conftest import login
from tests.factories import ApplicationFactory, UserFactory

pytestmark = pytest.mark.django_db


def panel(response, key):
    return next(p for p in response.context["panels"] if p.key == key)


def labels(panel_):
    return {row["label"] for row in panel_.rows}


def test_staff_dashboard_counts_the_whole_programme(client, staff_user, programme):
    response = login(client, staff_user).get(reverse("dashboards:staff"))
    assert response.status_code == 200
    totals = response.context["totals"]
    # Drafts are not filed: 5 filed, 3 laureates, 4 decided.
    assert (totals["filed"], totals["funded"], totals["decided"]) == (5, 3, 4)
    assert totals["requested"] == Decimal("55000.00")
    assert totals["awarded"] == Decimal("33000.00")
    assert totals["success_rate"] == Decimal("75.0")
    assert totals["average_score"] == Decimal("13.63")  # (16.5 + 14 + 15 + 9) / 4, half-up
    countries = {row["code"]: row for row in panel(response, "pays").rows}
    assert set(countries) == {"SN", "MA", "HT", "KM"}
    assert countries["SN"]["requested"] == Decimal("26000.00")
    assert countries["SN"]["awarded"] == Decimal("10000.00")
    assert (countries["SN"]["filed"], countries["SN"]["funded"]) == (2, 1)
    years = {row["label"]: row for row in panel(response, "annees").rows}
    assert years[2024]["success_rate"] == Decimal("100.0")
    assert years[2025]["success_rate"] == Decimal("66.7")
    assert {row["code"] for row in panel(response, "carte").rows} == {"SN", "MA", "HT"}
    regions = {row["code"]: row["requested"] for row in panel(response, "regions").rows}
    assert regions == {"IDF": Decimal("31000.00"), "PAC": Decimal("24000.00")}
    operators = panel(response, "operateurs").rows
    assert [(row["label"], row["filed"], row["funded"]) for row in operators] == [("Migrations & Développement", 3, 1)]


def test_staff_dashboard_narrowed_to_one_call(client, staff_user, programme, calls):
    response = login(client, staff_user).get(reverse("dashboards:staff"), {"call": calls[2024].pk})
    assert response.context["totals"]["filed"] == 1
    assert labels(panel(response, "appels")) == {"PRA/OSIM 2024"}


def test_unknown_call_is_a_form_error_not_a_crash(client, staff_user, programme):
    response = login(client, staff_user).get(reverse("dashboards:staff"), {"call": "abc"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert response.context["totals"]["filed"] == 5


def test_charts_are_accessible_figures_with_their_tables(client, staff_user, programme):
    html = login(client, staff_user).get(reverse("dashboards:staff")).content.decode()
    assert html.count("<figure") >= 6
    assert html.count("<figure") == html.count("<figcaption")
    svgs = re.findall(r"<svg[^>]*>", html)
    assert svgs and all('role="img"' in svg and "aria-label=" in svg for svg in svgs)
    assert "Dossiers par état" in html and "<table>" in html
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in html


def test_panel_csv_holds_the_table_rows(client, staff_user, programme):
    response = login(client, staff_user).get(reverse("dashboards:staff_csv", args=["pays"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Pays"
    by_country = {row[0]: row for row in rows[1:]}
    assert by_country[countries.name("SN")][3:5] == ["26000.00", "10000.00"]
    assert len(rows) == 5


def test_unknown_panel_csv_is_404(client, staff_user):
    assert login(client, staff_user).get(reverse("dashboards:staff_csv", args=["nimporte"])).status_code == 404


def test_staff_dashboard_query_count_is_constant(client, staff_user, programme, calls, django_assert_max_num_queries):
    login(client, staff_user)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("dashboards:staff"))
    ApplicationFactory.create_batch(40, call=calls[2025], status=State.AWARDED, awarded_amount=Decimal("100.00"), country="TG")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("dashboards:staff"))
    assert response.context["totals"]["funded"] == 43


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.REVIEWER, Role.OPERATOR, Role.PARTNER, Role.COORDINATOR])
def test_staff_dashboard_and_its_csv_are_refused_to_other_roles(client, role, programme):
    login(client, UserFactory(role=role))
    assert client.get(reverse("dashboards:staff")).status_code == 403
    assert client.get(reverse("dashboards:staff_csv", args=["pays"])).status_code == 403


def test_dashboards_need_a_login(client):
    for url in (reverse("dashboards:staff"), reverse("dashboards:mine"), reverse("dashboards:mine_csv", args=["pays"])):
        response = client.get(url)
        assert response.status_code == 302 and "/connexion/" in response["Location"]


def test_operator_sees_only_the_associations_it_accompanies(client, operator_user, programme):
    response = login(client, operator_user).get(reverse("dashboards:mine"))
    assert response.status_code == 200
    assert response.context["totals"]["filed"] == 3
    assert {row["code"] for row in panel(response, "pays").rows} == {"SN", "KM"}
    assert "operateurs" not in {p.key for p in response.context["panels"]}
    rows = list(csv.reader(io.StringIO(login(client, operator_user).get(
        reverse("dashboards:mine_csv", args=["pays"])).content.decode("utf-8-sig")), delimiter=";"))
    assert {row[0] for row in rows[1:]} == {countries.name("SN"), countries.name("KM")}


def test_operator_cannot_download_staff_only_tables(client, operator_user, programme):
    assert login(client, operator_user).get(reverse("dashboards:mine_csv", args=["operateurs"])).status_code == 404


def test_coordinator_sees_its_network_members_only(client, coordinator, programme):
    response = login(client, coordinator).get(reverse("dashboards:mine"))
    assert response.context["totals"]["filed"] == 2
    assert {row["code"] for row in panel(response, "pays").rows} == {"MA", "HT"}


def test_applicant_has_no_role_dashboard(client, applicant, programme):
    assert login(client, applicant).get(reverse("dashboards:mine")).status_code == 403


def test_partner_without_top_ups_sees_nothing_of_others(client, programme):
    partner = UserFactory(role=Role.PARTNER)
    response = login(client, partner).get(reverse("dashboards:mine"))
    assert response.status_code == 200
    assert response.context["totals"]["filed"] == 0


def test_operators_activity_counts_support_logs_and_agreements(client, staff_user, programme, operator_org, association):
    AccompanimentAgreement.objects.create(operator=operator_org, association=association, signed_on=datetime.date(2025, 1, 6))
    for hours in ("2.00", "3.50"):
        SupportLog.objects.create(operator=operator_org, association=association, date=datetime.date(2025, 2, 1),
                                  kind=SupportKind.choices[0][0], hours=Decimal(hours))
    rows = panel(login(client, staff_user).get(reverse("dashboards:staff")), "operateurs").rows
    assert [(row["label"], row["filed"], row["agreements"], row["logs"], row["hours"]) for row in rows] == [
        ("Migrations & Développement", 3, 1, 2, Decimal("5.50"))
    ]


def test_role_dashboard_query_count_is_constant(client, operator_user, programme, calls, association,
                                                django_assert_max_num_queries):
    login(client, operator_user)
    with django_assert_max_num_queries(25) as few:
        client.get(reverse("dashboards:mine"))
    ApplicationFactory.create_batch(30, call=calls[2025], organisation=association, status=State.CLOSED,
                                    awarded_amount=Decimal("100.00"), country="BF")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("dashboards:mine"))
    assert response.context["totals"]["funded"] == 31
