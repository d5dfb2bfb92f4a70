"""The directory's country filter reads one row per country an organisation names (`members.country_index`):
those rows follow every write, and the filter returns exactly the organisations whose fields name the country,
on the directory page and in the API, for each kind of viewer (issue 15)."""

import datetime
import io

import pytest
from django.core import serializers
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members import services
from members.importer import apply_import
from members.models import NetworkLink, Organisation, OrganisationCountry
from members.selectors import visible_organisations
from tests.conftest import login
from tests.factories import OrganisationFactory
from tests.members.test_importer import GOOD

pytestmark = pytest.mark.django_db


def named(organisation):
    """What the two fields name, read from the model as a person would."""
    organisation.refresh_from_db()
    return {c.code for c in organisation.diaspora_countries} | {c.code for c in organisation.intervention_countries}


def stored():
    return set(OrganisationCountry.objects.values_list("organisation_id", "country"))


def expected_rows():
    return {(o.pk, code) for o in Organisation.objects.all() for code in named(o)}


def test_rows_follow_creation_change_clearing_and_deletion(staff_user):
    organisation = OrganisationFactory(diaspora_countries=["SN", "ML"], intervention_countries=["SN", "MR"])
    quiet = OrganisationFactory()
    assert stored() == {(organisation.pk, "SN"), (organisation.pk, "ML"), (organisation.pk, "MR")}

    services.update_organisation(organisation=organisation, by=staff_user, data={"diaspora_countries": ["CM"]})
    assert stored() == {(organisation.pk, "CM"), (organisation.pk, "SN"), (organisation.pk, "MR")} == expected_rows()

    organisation.intervention_countries = []
    organisation.save()
    assert stored() == {(organisation.pk, "CM")} == expected_rows()

    services.update_organisation(organisation=organisation, by=staff_user, data={"diaspora_countries": []})
    assert stored() == set() == expected_rows()

    quiet.intervention_countries = ["HT"]
    quiet.save()
    organisation.diaspora_countries = ["KM"]
    organisation.save()
    assert stored() == {(quiet.pk, "HT"), (organisation.pk, "KM")} == expected_rows()

    organisation.delete()
    assert stored() == {(quiet.pk, "HT")} == expected_rows()


def test_a_save_that_names_neither_field_reads_and_writes_no_row():
    organisation = OrganisationFactory(diaspora_countries=["SN"])
    organisation.city = "Lyon"
    with CaptureQueriesContext(connection) as captured:
        organisation.save(update_fields=["city"])
    assert not [q for q in captured.captured_queries if "members_organisationcountry" in q["sql"]]
    assert stored() == {(organisation.pk, "SN")}


def test_each_row_carries_its_organisation_s_name_through_a_rename():
    """The directory orders one country's organisations by the name the rows carry: it follows every rename."""
    organisation = OrganisationFactory(name="Amicale des Maliens", diaspora_countries=["ML"], intervention_countries=["SN"])
    organisation.name = "Amicale des Maliens de Montreuil"
    organisation.save(update_fields=["name"])
    assert set(OrganisationCountry.objects.values_list("country", "name")) == {
        ("ML", "Amicale des Maliens de Montreuil"), ("SN", "Amicale des Maliens de Montreuil"),
    }


def test_a_save_that_changes_nothing_writes_nothing():
    organisation = OrganisationFactory(diaspora_countries=["SN"], intervention_countries=["SN", "ML"])
    with CaptureQueriesContext(connection) as captured:
        organisation.save()
    touching = [q["sql"] for q in captured.captured_queries if "members_organisationcountry" in q["sql"]]
    assert len(touching) == 1 and touching[0].lstrip().upper().startswith("SELECT")
    assert stored() == {(organisation.pk, "SN"), (organisation.pk, "ML")}


def test_the_import_creates_and_updates_the_rows(staff_user):
    row = {**GOOD, "intervention_countries": "Mali, Sénégal"}
    apply_import(raw_rows=[row], by=staff_user)
    imported = Organisation.objects.get(rna="W751000999")
    assert stored() == {(imported.pk, "ML"), (imported.pk, "SN")} == expected_rows()

    apply_import(raw_rows=[{**row, "intervention_countries": "Mauritanie"}], by=staff_user)
    assert stored() == {(imported.pk, "ML"), (imported.pk, "MR")} == expected_rows()


def test_the_scale_data_command_writes_the_rows_of_its_bulk_inserts():
    call_command(
        "generate_scale_data", associations=40, applications=10, calls=2, reviews=0, events=0, stdout=io.StringIO()
    )
    rows = stored()
    assert len(rows) > 40  # one diaspora country each, some a second country of intervention
    assert rows == expected_rows()


def test_a_restore_brings_the_rows_back_as_they_were():
    """loaddata (the backup's restore) saves raw: the rows come from the data, never twice."""
    organisation = OrganisationFactory(diaspora_countries=["SN"], intervention_countries=["ML"])
    before = stored()
    data = serializers.serialize("json", [organisation, *OrganisationCountry.objects.all()])
    Organisation.objects.all().delete()
    assert stored() == set()
    for item in serializers.deserialize("json", data):
        item.save()
    assert stored() == before == expected_rows()


# --- the filter ------------------------------------------------------------------------------------------


@pytest.fixture
def network(collective, network_member, operator_org):
    """Organisations naming countries in either field, some in both, some none; one accompanied by the operator,
    one a member of the coordinator's collective."""
    network_member.diaspora_countries, network_member.intervention_countries = ["SN"], ["ML"]
    network_member.save()
    OrganisationFactory(name="Amicale des Sénégalais", diaspora_countries=["SN"], intervention_countries=["SN"])
    OrganisationFactory(name="Solidarité Mali", intervention_countries=["ML", "SN"], operator=operator_org)
    OrganisationFactory(name="Union des Comoriens", diaspora_countries=["KM"], operator=operator_org)
    OrganisationFactory(name="Femmes haïtiennes", diaspora_countries=["HT", "SN"], intervention_countries=["HT"])
    OrganisationFactory(name="Sans pays")
    other = OrganisationFactory(name="Ancienne adhérente", diaspora_countries=["SN"])
    NetworkLink.objects.create(
        member=other, network=collective, since=datetime.date(2010, 1, 1), until=datetime.date(2012, 1, 1)
    )
    return ["SN", "ML", "KM", "HT", "MA"]


def expected_for(user, code):
    return {o.pk for o in visible_organisations(user) if code in named(o)}


@pytest.mark.parametrize("who", ["staff_user", "coordinator"])
def test_the_directory_lists_exactly_the_organisations_naming_the_country(client, request, network, who):
    user = request.getfixturevalue(who)
    login(client, user)
    for code in network:
        response = client.get(reverse("members:directory"), {"country": code})
        assert response.status_code == 200
        page = response.context["page"]
        expected = expected_for(user, code)
        assert {o.pk for o in page.object_list} == expected, code
        assert page.paginator.count == len(expected), code
        names = [o.name for o in page.object_list]
        assert names == sorted(names), code  # the directory's order, read from the rows' (country, name) index


@pytest.mark.parametrize("who", ["staff_user", "coordinator", "operator_user", "applicant"])
def test_the_api_lists_exactly_the_organisations_naming_the_country(client, request, network, who):
    user = request.getfixturevalue(who)
    login(client, user)
    for code in network:
        response = client.get("/api/v1/organisations/", {"country": code})
        assert response.status_code == 200
        body = response.json()
        expected = expected_for(user, code)
        assert {row["id"] for row in body["results"]} == expected, code
        assert body["count"] == len(expected), code


def test_an_unknown_country_is_refused_with_a_4xx_never_counted(client, staff_user, network):
    login(client, staff_user)
    response = client.get("/api/v1/organisations/", {"country": "ZZ"})
    assert response.status_code == 400
    assert "country" in response.json()
    # The page says why and lists the organisations unfiltered, counted as such (not as a country's rows).
    page = client.get(reverse("members:directory"), {"country": "ZZ"})
    assert page.status_code == 200
    assert "ZZ n’en fait pas partie" in str(page.context["filter"].form.errors["country"])
    assert page.context["page"].paginator.count == Organisation.objects.count()
