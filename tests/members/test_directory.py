import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from members.models import NetworkLink, OrganisationKind, OrganisationStatus
from tests.conftest import login
from tests.factories import MembershipFactory, OperatorFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def network():
    federation = OrganisationFactory(kind=OrganisationKind.FOSIM, name="Fédération marocaine", acronym="FEDIMA")
    collective = OrganisationFactory(kind=OrganisationKind.COSIM, name="COSIM Bretagne", acronym="COSIM-B", region="BRE")
    operator = OperatorFactory(name="Migrations & Développement", acronym="M&D")
    amf = OrganisationFactory(
        name="Association des Marocains en France", acronym="AMF", rna="W751000201", diaspora_countries=["MA"],
        operator=operator,
    )
    rame = OrganisationFactory(name="RAME", acronym="RAME", region="BRE", city="Rennes", intervention_countries=["CM"])
    pending = OrganisationFactory(name="Nouvelle association", status=OrganisationStatus.PENDING, diaspora_countries=["SN", "ML"])
    NetworkLink.objects.create(member=amf, network=federation)
    NetworkLink.objects.create(member=rame, network=collective)
    return {"federation": federation, "collective": collective, "operator": operator, "amf": amf, "rame": rame, "pending": pending}


def names(response):
    return {organisation.name for organisation in response.context["page"].object_list}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=fosim", {"Fédération marocaine"}),
        ("region=BRE", {"COSIM Bretagne", "RAME"}),
        ("country=MA", {"Association des Marocains en France"}),
        ("country=CM", {"RAME"}),
        ("country=ML", {"Nouvelle association"}),
        ("status=pending", {"Nouvelle association"}),
        ("federation=FEDERATION", {"Association des Marocains en France"}),
        ("collective=COLLECTIVE", {"RAME"}),
        ("operator=OPERATOR", {"Association des Marocains en France"}),
        ("q=W751000201", {"Association des Marocains en France"}),
        ("q=renn", {"RAME"}),
    ],
)
def test_directory_filters(client, staff_user, network, query, expected):
    query = (
        query.replace("FEDERATION", str(network["federation"].pk))
        .replace("COLLECTIVE", str(network["collective"].pk))
        .replace("OPERATOR", str(network["operator"].pk))
    )
    login(client, staff_user)
    response = client.get(f"{reverse('members:directory')}?{query}")
    assert names(response) == expected
    api = client.get(f"/api/v1/organisations/?{query}").json()
    assert {row["name"] for row in api["results"]} == expected


def test_csv_and_xlsx_exports_follow_the_filters(client, staff_user, network):
    login(client, staff_user)
    response = client.get(reverse("members:directory") + "?country=MA&export=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Nom"
    assert [row[0] for row in rows[1:]] == ["Association des Marocains en France"]
    header = rows[0]
    assert rows[1][header.index("Pays d'origine")] == "Maroc"
    assert rows[1][header.index("Fédérations et collectifs")] == "FEDIMA"
    response = client.get(reverse("members:directory") + "?region=BRE&export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True)) == ["COSIM Bretagne", "RAME"]
    assert client.get(reverse("members:directory") + "?export=pdf").status_code == 400


def test_a_bad_filter_value_is_not_a_500(client, staff_user, network):
    login(client, staff_user)
    response = client.get(reverse("members:directory") + "?federation=999999&kind=zzz")
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()


def _row(html, name):
    """The table row that links to the organisation named `name` (as the page writes it, escaped)."""
    return next(row for row in html.split("<tr>") if f">{name}</a>" in row)


def test_directory_rows_show_labels_countries_networks_and_operator(client, staff_user, network):
    """The rows are written from texts made once a page (issue 15): each still shows what the organisation is."""
    OrganisationFactory(name="<b>Bold</b> & co", acronym="", rna=None, region="", city="")
    ended = OrganisationFactory(kind=OrganisationKind.COSIM, name="Ancien collectif", acronym="")
    NetworkLink.objects.create(member=network["pending"], network=ended, until=datetime.date(2000, 1, 1))
    NetworkLink.objects.create(member=network["amf"], network=network["collective"])
    login(client, staff_user)
    html = client.get(reverse("members:directory")).content.decode()
    amf = _row(html, "Association des Marocains en France")
    assert f'href="{reverse("members:organisation_detail", args=[network["amf"].pk])}"' in amf
    assert '<span class="muted">(AMF)</span>' in amf and '<span class="muted">W751000201</span>' in amf
    assert "<td>Association (OSIM)</td>" in amf and '<span class="badge badge-success">Validée</span>' in amf
    assert "<td>Maroc</td>" in amf and "<td>COSIM-B, FEDIMA</td>" in amf and "<td>M&amp;D</td>" in amf
    pending = _row(html, "Nouvelle association")
    assert '<span class="badge badge-warning">En attente de validation</span>' in pending
    assert "<td>Mali, Sénégal</td>" in pending  # the field keeps its codes sorted
    assert pending.count("<td>—</td>") == 2  # no current network (the link ended), no operator
    assert "<td>Bretagne<br><span class=\"muted\">Rennes</span></td>" in _row(html, "RAME")
    bold = _row(html, "&lt;b&gt;Bold&lt;/b&gt; &amp; co")
    assert "muted" not in bold and bold.count("<td>—</td>") == 4  # no region, countries, network, operator


def _make(count, collective):
    operator = OperatorFactory()
    for index in range(count):
        organisation = OrganisationFactory(operator=operator, diaspora_countries=["SN"])
        NetworkLink.objects.create(member=organisation, network=collective)
        MembershipFactory(organisation=organisation)
        if index == 0:
            MembershipFactory(organisation=organisation)


@pytest.mark.parametrize("count", [5, 50])
def test_directory_query_count_does_not_grow_with_rows(client, staff_user, django_assert_max_num_queries, count):
    collective = OrganisationFactory(kind=OrganisationKind.COSIM)
    _make(count, collective)
    login(client, staff_user)
    with django_assert_max_num_queries(13):  # incl. the session's second-factor device
        response = client.get(reverse("members:directory"))
    assert response.context["page"].paginator.count == count + 2
    with django_assert_max_num_queries(13):  # incl. the session's second-factor device
        client.get(reverse("members:directory") + "?export=csv")
    with django_assert_max_num_queries(13):  # incl. the session's second-factor device
        assert client.get("/api/v1/organisations/?page_size=100").json()["count"] == count + 2


@pytest.mark.parametrize("count", [5, 50])
def test_coordinator_directory_query_count(client, coordinator, collective, django_assert_max_num_queries, count):
    _make(count, collective)
    login(client, coordinator)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("members:directory"))
    assert response.context["page"].paginator.count == count + 1  # its members and its own collective
