"""Countries as data: the OECD DAC list is the default eligible list, a call adds exclusions or its own list."""

import datetime
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from forim_portal.errors import DomainError
from grants import services
from grants.countries import DAC_FILE, call_countries, load_country_list, read_list_file
from grants.eligibility import check_application
from grants.models import Application, Call, CountryList
from grants.states import State
from tests.conftest import login
from tests.factories import ApplicationFactory, CallFactory, MembershipFactory, OrganisationFactory

from .conftest import complete
from .test_call_rules import page_data

pytestmark = pytest.mark.django_db

DAC_MESSAGE = "ne figure pas sur la liste du CAD de l'OCDE des pays bénéficiaires de l'aide publique au développement (liste 2024-2025)"
PAGE_DAC_MESSAGE = DAC_MESSAGE.replace("'", "&#x27;")


@pytest.fixture
def demo_call(db):
    """The demo PRA/OSIM call (DAC list, Mali excluded), open now, its document and visa rules set aside for these tests."""
    from accounts import demo as accounts_demo
    from grants import demo as grants_demo
    from members import demo as members_demo

    accounts_demo.load()
    members_demo.load()
    call = grants_demo.load()["call"]
    now = timezone.now()
    Call.objects.filter(pk=call.pk).update(
        opens_at=now - datetime.timedelta(days=10),
        deadline=now + datetime.timedelta(days=20),
        required_documents=[],
        operator_visa_required=False,
    )
    call.refresh_from_db()
    return call


@pytest.fixture
def member():
    """A validated association of 2010 (old enough for every call) and its admin."""
    membership = MembershipFactory(organisation=OrganisationFactory(name="Solidarité Casamance"))
    return membership.organisation, membership.user


def project_in(call, organisation, user, country):
    application = complete(ApplicationFactory(call=call, organisation=organisation, created_by=user))
    application.country = country
    application.save()
    return application


def country_result(application):
    return next(result for result in check_application(application) if result.code == "country")


def test_the_shipped_file_names_its_year_source_and_141_countries():
    data = read_list_file()
    raw = json.loads(DAC_FILE.read_text(encoding="utf-8"))
    assert data["year"] == "2024-2025" and data["source"].startswith("https://www.oecd.org/")
    assert len(data["codes"]) == len(raw["codes"]) == 141
    assert {"SN", "MA", "HT", "CM", "ML", "KM", "WF", "MS", "NR"} <= set(data["codes"])
    assert not {"FR", "US", "CH", "AE", "GF", "RE", "GP", "MQ", "YT", "DE", "SC", "CL", "UY", "AG"} & set(data["codes"])


def test_projects_off_the_dac_list_are_refused_on_the_demo_call(demo_call, member):
    organisation, user = member
    for country, name in [
        ("FR", "France"),
        ("US", "États-Unis d'Amérique"),
        ("GF", "Guyane française"),
        ("RE", "Réunion, La"),
    ]:
        application = project_in(demo_call, organisation, user, country)
        result = country_result(application)
        assert not result.ok and result.field == "country"
        assert (
            result.message
            == f"Le pays du projet ({name}) {DAC_MESSAGE} : le projet ne peut pas être déposé sur cet appel."
        )
        with pytest.raises(DomainError) as refusal:
            services.submit_application(application=application, by=user)
        assert refusal.value.status == 400 and result.message in refusal.value.message
        assert Application.objects.get(pk=application.pk).status == State.DRAFT


def test_senegal_is_accepted_and_mali_excluded_on_the_demo_call(demo_call, member):
    organisation, user = member
    mali = project_in(demo_call, organisation, user, "ML")
    assert country_result(mali).message == "Mali est exclu de cet appel : le projet ne peut pas y être déposé."
    senegal = project_in(demo_call, organisation, user, "SN")
    assert country_result(senegal).ok
    services.submit_application(application=senegal, by=user)
    senegal.refresh_from_db()
    assert senegal.status == State.SUBMITTED and senegal.reference


def test_a_call_with_its_own_list_and_exclusions(call, member):
    organisation, user = member
    call.eligible_countries = ["SN", "MA", "FR"]
    call.excluded_countries = ["MA"]
    call.save()
    eligible = call_countries(call)
    assert eligible.codes == {"SN", "FR"} and eligible.country_list is None and eligible.listed == 3
    assert country_result(project_in(call, organisation, user, "FR")).ok  # the call's own list replaces the DAC list
    assert "exclu" in country_result(project_in(call, organisation, user, "MA")).message
    assert (
        country_result(project_in(call, organisation, user, "HT")).message
        == "Haïti ne fait pas partie des pays éligibles de cet appel."
    )


def test_the_page_refuses_the_united_states_and_keeps_what_was_typed(client, call, member):
    organisation, user = member
    application = project_in(call, organisation, user, "SN")
    login(client, user)
    url = reverse("grants:application_edit", args=[application.pk, "project"])
    response = client.post(
        url,
        {
            "lock_version": application.lock_version,
            "title": application.title,
            "country": "US",
            "locality": "Houston",
            "sector": "water",
            "duration_months": "12",
            "save": "",
        },
    )
    assert response.status_code == 302  # the draft keeps the value; the rule says why it cannot be filed
    page = client.get(url).content.decode()
    assert f"Le pays du projet (États-Unis d&#x27;Amérique) {PAGE_DAC_MESSAGE}" in page
    assert '<option value="US" selected>' in page  # kept and shown, though not offered to others
    response = client.post(reverse("grants:submit", args=[application.pk]))
    assert response.status_code == 400 and PAGE_DAC_MESSAGE in response.content.decode()
    application.refresh_from_db()
    assert (application.status, application.country.code, application.locality) == (State.DRAFT, "US", "Houston")


def test_the_project_step_offers_only_eligible_countries(client, demo_call, member):
    organisation, user = member
    application = project_in(demo_call, organisation, user, "SN")
    page = (
        login(client, user).get(reverse("grants:application_edit", args=[application.pk, "project"])).content.decode()
    )
    assert '<option value="SN" selected>' in page and '<option value="HT">' in page
    assert '<option value="FR">' not in page and '<option value="US">' not in page and '<option value="ML">' not in page


def test_the_api_refuses_a_project_in_france(call, member):
    organisation, user = member
    application = project_in(call, organisation, user, "SN")
    api = APIClient()
    api.force_authenticate(user)
    response = api.patch(
        f"/api/v1/applications/{application.pk}/",
        {"country": "FR", "lock_version": application.lock_version},
        format="json",
    )
    assert response.status_code == 200
    rule = next(r for r in response.json()["rules"] if r["code"] == "country")
    assert rule["ok"] is False and DAC_MESSAGE in rule["message"] and rule["waiver"] == ""
    response = api.post(f"/api/v1/applications/{application.pk}/submit/")
    assert response.status_code == 400 and DAC_MESSAGE in json.dumps(response.json(), ensure_ascii=False)
    assert Application.objects.get(pk=application.pk).status == State.DRAFT


def test_the_call_page_says_which_countries_are_eligible(client, demo_call, member):
    _organisation, user = member
    page = login(client, user).get(reverse("grants:call_list")).content.decode()
    assert "Pays éligibles :" in page
    assert (
        "Liste du CAD de l&#x27;OCDE des pays bénéficiaires de l&#x27;aide publique au développement, liste 2024-2025 (141 pays), sauf Mali."
        in page
    )
    assert "Voir les 140 pays éligibles" in page and "Sénégal" in page


def test_staff_see_and_change_the_list_a_call_uses(client, call, staff_user, tmp_path):
    older, _created = load_country_list()
    path = tmp_path / "liste.json"
    path.write_text(
        json.dumps(
            {
                "code": "liste-test",
                "name": "Liste d'essai",
                "year": "2030",
                "source": "https://example.org",
                "codes": ["SN"],
                "default": False,
            }
        )
    )
    other, _created = load_country_list(path=path)
    login(client, staff_user)
    url = reverse("grants:call_edit", args=[call.pk])
    page = client.get(url).content.decode()
    assert "Liste de pays éligibles" in page and "Projets précédents à jour" in page
    assert "liste 2024-2025 (141 pays)" in page  # what applies now, above the form
    data = page_data(call, country_list=other.pk)  # the checkbox "projets précédents à jour" left unticked
    response = client.post(url, data)
    assert response.status_code == 302, [
        response.context["form"].errors,
        response.context["criteria"].errors,
        response.context["criteria"].non_form_errors(),
    ]
    call.refresh_from_db()
    assert call.country_list == other and call.track_record_required is False
    assert call_countries(call).codes == {"SN"} and CountryList.objects.get(is_default=True) == older


def test_load_dac_list_is_idempotent_and_a_newer_file_becomes_the_default(tmp_path, call, member):
    call_command("load_dac_list")
    call_command("load_dac_list")
    dac = CountryList.objects.get()
    assert dac.is_default and dac.year == "2024-2025" and len(dac.codes) == 141
    newer = tmp_path / "dac_2026.json"
    newer.write_text(
        json.dumps({**read_list_file(), "code": "cad-ocde-2026-2027", "year": "2026-2027", "codes": ["SN", "US"]})
    )
    call_command("load_dac_list", file=str(newer))
    assert set(CountryList.objects.values_list("code", "is_default")) == {
        ("cad-ocde-2024-2025", False),
        ("cad-ocde-2026-2027", True),
    }
    organisation, user = member
    assert country_result(project_in(call, organisation, user, "US")).ok  # the rule reads the loaded default list
    assert "(liste 2026-2027)" in country_result(project_in(call, organisation, user, "MA")).message
    call_command("load_dac_list")  # the 2024-2025 file again: updated in place, and default again
    assert CountryList.objects.count() == 2 and CountryList.objects.get(is_default=True).year == "2024-2025"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"code": "x", "name": "x", "year": "x", "source": "x", "codes": ["FRA"]}))
    with pytest.raises(Exception, match="code pays invalide"):
        call_command("load_dac_list", file=str(bad))


def test_the_api_shows_the_call_rules(call, member):
    _organisation, user = member
    api = APIClient()
    api.force_authenticate(user)
    data = api.get(f"/api/v1/calls/{CallFactory().pk}/").json()
    assert data["track_record_required"] is True and data["country_list"] is None
