import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from members.models import NetworkLink, Organisation, OrganisationKind
from tests.conftest import login
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

GOOD = (
    "RNA;Nom;Sigle;Type;Région;Ville;Code postal;SIRET;Pays d'origine;Réseaux\n"
    "W751000301;Association des Sénégalais de Paris;ASP;OSIM;Île-de-France;Paris;75018;73282932000074;Sénégal;FEDIMA\n"
    "W691000302;Collectif Lyon Solidarité;CLS;osim;ARA;Lyon;69007;;Mali, Maroc;\n"
)
BAD = GOOD + (
    "W12;Sans bon RNA;;;IDF;;;;;\n"
    "W751000301;Doublon;;;IDF;;;;;\n"
    "W751000303;Région fantaisiste;;;Atlantide;;;;Narnia;\n"
)


def upload(client, content, name="membres.csv"):
    data = content.encode("utf-8") if isinstance(content, str) else content
    return client.post(reverse("members:import"), {"file": SimpleUploadedFile(name, data)}, follow=True)


@pytest.fixture
def federation(db):
    return OrganisationFactory(kind=OrganisationKind.FOSIM, name="Fédération marocaine", acronym="FEDIMA")


def test_import_preview_then_confirm_then_same_file_changes_nothing(client, staff_user, federation):
    login(client, staff_user)
    preview = upload(client, GOOD)
    assert preview.context["counts"] == {"create": 2, "update": 0, "unchanged": 0, "error": 0}
    assert not Organisation.objects.filter(rna="W751000301").exists()  # nothing written before confirming
    client.post(reverse("members:import"), {"confirm": "1"})
    asp = Organisation.objects.get(rna="W751000301")
    assert asp.region == "IDF" and [c.code for c in asp.diaspora_countries] == ["SN"] and asp.siret == "73282932000074"
    assert NetworkLink.objects.filter(member=asp, network=federation).exists()
    assert [c.code for c in Organisation.objects.get(rna="W691000302").diaspora_countries] == ["MA", "ML"]
    history_before = asp.history.count()
    again = upload(client, GOOD)
    assert again.context["counts"] == {"create": 0, "update": 0, "unchanged": 2, "error": 0}
    client.post(reverse("members:import"), {"confirm": "1"})
    assert Organisation.objects.filter(rna__in=["W751000301", "W691000302"]).count() == 2
    assert asp.history.count() == history_before


def test_row_errors_in_french_and_no_partial_import_unless_asked(client, staff_user, federation):
    login(client, staff_user)
    preview = upload(client, BAD)
    errors = {check.line: " ".join(check.errors) for check in preview.context["checks"] if check.errors}
    assert set(errors) == {4, 5, 6}
    assert "W suivi de 9 chiffres" in errors[4]
    assert "Doublon" in errors[5] and "ligne 2" in errors[5]
    assert "Région inconnue « Atlantide »" in errors[6] and "pays inconnu « Narnia »" in errors[6]
    response = client.post(reverse("members:import"), {"confirm": "1"}, follow=True)
    assert "rien n&#x27;a été importé" in response.content.decode()
    assert not Organisation.objects.filter(rna__startswith="W7510003").exists()
    client.post(reverse("members:import"), {"confirm": "1", "allow_partial": "1"})
    assert set(Organisation.objects.filter(rna__in=["W751000301", "W691000302", "W751000303"]).values_list("rna", flat=True)) == {
        "W751000301", "W691000302"
    }


def test_an_update_is_recorded_in_the_history(client, staff_user, federation):
    existing = OrganisationFactory(rna="W751000301", name="Ancien nom", city="Paris")
    login(client, staff_user)
    preview = upload(client, GOOD)
    assert preview.context["counts"]["update"] == 1
    client.post(reverse("members:import"), {"confirm": "1"})
    existing.refresh_from_db()
    assert existing.name == "Association des Sénégalais de Paris"
    assert existing.history.first().history_user == staff_user


def test_xlsx_import(client, staff_user, federation):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["RNA", "Nom", "Région", "Date de création"])
    sheet.append(["W751000401", "Association XLSX", "Bretagne", "15/03/2012"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    login(client, staff_user)
    preview = upload(client, buffer.getvalue(), "membres.xlsx")
    assert preview.context["counts"]["create"] == 1
    client.post(reverse("members:import"), {"confirm": "1"})
    organisation = Organisation.objects.get(rna="W751000401")
    assert organisation.region == "BRE" and str(organisation.created_on) == "2012-03-15"


def test_missing_columns_and_bad_files_are_explained(client, staff_user):
    login(client, staff_user)
    response = upload(client, "Nom;Ville\nA;B\n")
    assert "Colonnes obligatoires absentes : rna" in response.content.decode()
    response = upload(client, b"PK\x03\x04 broken", "membres.xlsx")
    assert response.status_code == 200
    assert "fichier" in response.content.decode().lower()
    assert not Organisation.objects.exists()
