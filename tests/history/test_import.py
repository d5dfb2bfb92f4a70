"""Import of past projects: row checks with French reasons, matching, preview → confirm, who may, where they show."""

import datetime
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.shortcuts import resolve_url
from django.urls import reverse
from openpyxl import Workbook

from accounts.models import Role
from forim_portal.errors import DomainError
from grants.eligibility import check_application
from grants.track_record import Unsettled, unsettled_projects
from history import services
from history.models import HistoryImport, PastProject
from tests.conftest import login
from tests.factories import ApplicationFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADER = "Référence;Année;Titre;Association;RNA;Pays;Secteur;Montant attribué;Date de début;Date de fin;Clôturé;Rapport final reçu"
GOOD = [
    # by RNA (the name in the file is an old spelling)
    "PRA-2008-001;2008;Puits à Tiznit;AMF (ancien nom);W751000201;Maroc;Eau;12 000,50;01/03/2009;28/02/2010;oui;oui",
    # by exact name, no RNA
    "PRA-2012-002;2012;Maternité de Jacmel;Plateforme des associations franco-haïtiennes;;Haïti;Santé;15000;;;non;non",
    # by normalised name (case, accents)
    "PRA-2015-003;2015;Forage à Kanel;plateforme des associations franco-HAITIENNES ;;SN;water;9000.00;01/01/2016;31/12/2016;non;oui",
    # nobody known by that name: kept, unmatched
    "PRA-2005-004;2005;Moulin à mil de Kayes;Association disparue de Kayes;;Mali;;7500;;;oui;oui",
]
BAD = [
    "PRA-2010-005;2010;École de Bamako;Association disparue;;Atlantide;Éducation;5000;;;oui;oui",  # unknown country
    "PRA-2010-006;2010;Clinique;Association disparue;;Mali;Santé;beaucoup;;;oui;oui",  # amount not a number
    "PRA-2010-007;;;Association disparue;;Mali;;1000;;;oui;oui",  # year and title missing
    "PRA-2008-001;2009;Doublon;Association disparue;;Mali;;1000;;;oui;oui",  # duplicate reference in the file
    "PRA-2011-008;2011;Dates;Association disparue;;Mali;;1000;31/12/2012;01/01/2012;peut-être;oui",  # end < start, flag
]

NOTHING_VALID = [*BAD[:3], BAD[4]]  # BAD[3] is only a duplicate beside GOOD[0]


@pytest.fixture
def amf(db):
    return OrganisationFactory(name="Association des Marocains en France", acronym="AMF", rna="W751000201")


@pytest.fixture
def pafha(db):
    return OrganisationFactory(name="Plateforme des associations franco-haïtiennes", acronym="PAFHA", rna="W751000202")


def rows_of(*lines):
    return services.read_file(csv_file("\n".join([HEADER, *lines])))


def csv_file(text, name="historique.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def by_reference(checks):
    return {check.raw["reference"] + f"@{check.line}": check for check in checks}


# The service ------------------------------------------------------------------------------------------


def test_good_rows_are_matched_by_rna_exact_name_or_normalised_name_or_kept_unmatched(amf, pafha):
    checks = services.check_rows(rows_of(*GOOD))
    assert [check.errors for check in checks] == [[], [], [], []]
    assert [(check.organisation, check.match_note) for check in checks] == [
        (amf, "rattachée par le RNA"),
        (pafha, "rattachée par le nom exact"),
        (pafha, "rattachée par le nom normalisé"),
        (None, "non rattachée : association introuvable (ni par RNA ni par nom)"),
    ]
    assert checks[0].values["amount_awarded"] == Decimal("12000.50")
    assert checks[0].values["start_date"] == datetime.date(2009, 3, 1)
    assert checks[2].values["country"] == "SN" and checks[2].values["sector"] == "water"


def test_bad_rows_are_refused_with_french_reasons(amf):
    checks = services.check_rows(rows_of(GOOD[0], *BAD))
    reasons = [check.errors for check in checks]
    assert reasons[0] == []
    assert reasons[1] == ["Pays inconnu « Atlantide »."]
    assert len(reasons[2]) == 1 and reasons[2][0].startswith("Montant « beaucoup » : Montant invalide")
    assert reasons[3] == ["L'année manque.", "Le titre du projet manque."]
    assert reasons[4] == ["Doublon : la référence PRA-2008-001 figure déjà ligne 2."]
    assert reasons[5] == [
        "La date de fin précède la date de début.",
        "« peut-être » non compris pour « Clôturé » : oui ou non.",
    ]


def test_a_name_shared_by_two_associations_is_not_guessed(db):
    OrganisationFactory(name="Solidarité Sahel")
    OrganisationFactory(name="Solidarité Sahel")
    [check] = services.check_rows(rows_of("PRA-2010-009;2010;Puits;Solidarité Sahel;;Niger;;1000;;;oui;oui"))
    assert check.errors == [] and check.organisation is None
    assert check.match_note == "non rattachée : plusieurs associations portent ce nom"


def test_a_reference_already_imported_or_of_a_portal_dossier_is_refused(amf, staff_user):
    ApplicationFactory(reference="PRA-2026-0001")
    services.apply_import(raw_rows=rows_of(GOOD[0]), file_name="premier.csv", by=staff_user)
    checks = services.check_rows(rows_of(GOOD[0], "PRA-2026-0001;2020;Projet;AMF;W751000201;Maroc;;1000;;;oui;oui"))
    assert checks[0].errors == ["La référence PRA-2008-001 est déjà importée : ligne ignorée."]
    assert checks[1].errors == ["La référence PRA-2026-0001 est celle d'un dossier du portail."]


def test_confirm_writes_the_valid_rows_in_one_batch_with_who_when_and_the_refusals(amf, pafha, staff_user):
    batch = services.apply_import(raw_rows=rows_of(*GOOD, *BAD), file_name="historique.csv", by=staff_user)
    assert (batch.created_count, batch.unmatched_count, batch.refused_count, batch.imported_by) == (4, 1, 5, staff_user)
    assert [refusal["line"] for refusal in batch.refusals] == [6, 7, 8, 9, 10]
    assert batch.refusals[0]["reasons"] == ["Pays inconnu « Atlantide »."]
    projects = {project.reference: project for project in PastProject.objects.all()}
    assert set(projects) == {"PRA-2008-001", "PRA-2012-002", "PRA-2015-003", "PRA-2005-004"}
    first = projects["PRA-2008-001"]
    assert (first.organisation, first.rna, first.year, first.country.code, first.amount_awarded, first.source_row) == (
        amf,
        "W751000201",
        2008,
        "MA",
        Decimal("12000.50"),
        2,
    )
    assert (first.closed, first.final_report_received, first.imported_by, first.batch) == (
        True,
        True,
        staff_user,
        batch,
    )
    assert projects["PRA-2005-004"].organisation is None
    assert projects["PRA-2005-004"].organisation_name == "Association disparue de Kayes"


def test_only_staff_import_and_nothing_valid_writes_nothing(amf, applicant, staff_user):
    with pytest.raises(DomainError) as refused:
        services.apply_import(raw_rows=rows_of(GOOD[0]), file_name="x.csv", by=applicant)
    assert refused.value.status == 403
    with pytest.raises(DomainError) as nothing:
        services.apply_import(raw_rows=rows_of(*NOTHING_VALID), file_name="x.csv", by=staff_user)
    assert nothing.value.message.startswith("Aucune ligne valide")
    assert not PastProject.objects.exists() and not HistoryImport.objects.exists()


def test_missing_columns_are_named_in_french(db):
    with pytest.raises(DomainError) as refused:
        services.read_file(csv_file("Titre;Association\nPuits;AMF"))
    assert refused.value.message.startswith("Colonnes obligatoires absentes : Référence, Année, Pays.")


def test_the_sample_template_imports_cleanly(db, staff_user, client):
    login(client, staff_user)
    response = client.get(reverse("history:template"))
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    checks = services.check_rows(services.read_file(csv_file(response.content.decode("utf-8-sig"), "modele.csv")))
    assert [check.errors for check in checks] == [[], []]
    assert [check.values["country"] for check in checks] == ["SN", "HT"]


def test_an_xlsx_file_is_read_like_a_csv(amf):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(";"))
    sheet.append(
        [
            "PRA-2013-010",
            2013,
            "Puits",
            "AMF",
            "W751000201",
            "Maroc",
            "Eau",
            11000.5,
            datetime.datetime(2013, 5, 1),
            datetime.datetime(2014, 4, 30),
            "oui",
            "non",
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("historique.xlsx", buffer.getvalue())
    [check] = services.check_rows(services.read_file(upload))
    assert check.errors == [] and check.organisation == amf
    assert (check.values["year"], check.values["amount_awarded"], check.values["end_date"]) == (
        2013,
        Decimal("11000.50"),
        datetime.date(2014, 4, 30),
    )


# The pages ---------------------------------------------------------------------------------------------


def test_preview_then_confirm_through_the_page(client, staff_user, amf, pafha):
    login(client, staff_user)
    url = reverse("history:import")
    response = client.post(url, {"file": csv_file("\n".join([HEADER, *GOOD, *BAD]))})
    assert response.status_code == 302
    preview = client.get(url)
    html = preview.content.decode()
    assert "Pays inconnu « Atlantide »." in html and "L&#x27;année manque." in html
    assert "rattachée par le RNA" in html and "non rattachée" in html
    assert preview.context["counts"] == {"valid": 4, "matched": 3, "unmatched": 1, "refused": 5}
    assert not PastProject.objects.exists()  # nothing written before the confirmation
    confirmed = client.post(url, {"confirm": "1"}, follow=True)
    assert confirmed.status_code == 200
    assert PastProject.objects.count() == 4
    report = confirmed.content.decode()
    assert "4 projet(s) importé(s), dont 1 sans association rattachée ; 5 ligne(s) refusée(s)" in report
    assert "Ligne 6 (PRA-2010-005, « École de Bamako ») :" in report and "Pays inconnu « Atlantide »." in report
    again = client.post(url, {"confirm": "1"})
    assert again.status_code == 400 and PastProject.objects.count() == 4


def test_a_file_with_missing_columns_is_a_400_with_the_french_reason(client, staff_user):
    login(client, staff_user)
    response = client.post(reverse("history:import"), {"file": csv_file("Titre\nPuits")})
    assert response.status_code == 400
    assert "Colonnes obligatoires absentes" in response.content.decode()


def test_confirming_a_file_with_no_valid_row_is_a_400(client, staff_user):
    login(client, staff_user)
    client.post(reverse("history:import"), {"file": csv_file("\n".join([HEADER, *NOTHING_VALID]))})
    response = client.post(reverse("history:import"), {"confirm": "1"})
    assert response.status_code == 400
    assert "Aucune ligne valide" in response.content.decode()
    assert not PastProject.objects.exists()


@pytest.mark.parametrize(
    "name,method,staff_status",
    [("history:import", "get", 200), ("history:template", "get", 200), ("history:import_cancel", "post", 302)],
)
def test_history_pages_are_for_staff_only(
    client, name, method, staff_status, operator_user, reviewer, applicant, other_applicant, staff_user, admin_user
):
    url = reverse(name)
    anonymous = getattr(client, method)(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(resolve_url(settings.LOGIN_URL))
    others = {
        "applicant": applicant,
        "other_applicant": other_applicant,
        "operator": operator_user,
        "reviewer": reviewer,
        "partner": UserFactory(role=Role.PARTNER, email="partenaire@example.org"),
        "coordinator": UserFactory(role=Role.COORDINATOR, email="coordination@example.org"),
    }
    for role, user in others.items():
        client.logout()
        login(client, user)
        assert getattr(client, method)(url).status_code == 403, role
    for user in (staff_user, admin_user):
        client.logout()
        login(client, user)
        assert getattr(client, method)(url).status_code == staff_status


# Where imported projects show ----------------------------------------------------------------------------


def test_imported_projects_show_on_the_laureates_page_and_map_with_public_fields_only(client, amf, pafha, staff_user):
    services.apply_import(raw_rows=rows_of(*GOOD), file_name="historique.csv", by=staff_user)
    response = client.get(reverse("dashboards:laureates"))
    assert response.status_code == 200
    shown = {
        (p.reference, p.title, p.organisation_name, p.country.code, p.year)
        for p in response.context["past_page"].object_list
    }
    assert shown == {
        ("PRA-2008-001", "Puits à Tiznit", "AMF (ancien nom)", "MA", 2008),
        ("PRA-2012-002", "Maternité de Jacmel", "Plateforme des associations franco-haïtiennes", "HT", 2012),
        ("PRA-2015-003", "Forage à Kanel", "plateforme des associations franco-HAITIENNES", "SN", 2015),
        ("PRA-2005-004", "Moulin à mil de Kayes", "Association disparue de Kayes", "ML", 2005),
    }
    assert {(code, past) for code, _name, _portal, past, _total in response.context["map_rows"]} == {
        ("MA", 1),
        ("HT", 1),
        ("SN", 1),
        ("ML", 1),
    }
    html = response.content.decode()
    assert "<svg" in html and "Moulin à mil de Kayes" in html and "000,50" in html
    assert "W751000201" not in html and "rattachée" not in html  # no RNA, no match notes in public


def test_the_laureates_filters_apply_to_the_history_and_know_its_years(client, amf, pafha, staff_user):
    services.apply_import(raw_rows=rows_of(*GOOD), file_name="historique.csv", by=staff_user)
    url = reverse("dashboards:laureates")
    by_year = client.get(url, {"year": "2005"})
    assert by_year.status_code == 200
    assert [p.reference for p in by_year.context["past_page"].object_list] == ["PRA-2005-004"]
    assert [p.reference for p in client.get(url, {"country": "HT"}).context["past_page"].object_list] == [
        "PRA-2012-002"
    ]
    assert [p.reference for p in client.get(url, {"q": "kanel"}).context["past_page"].object_list] == ["PRA-2015-003"]


# Track record ----------------------------------------------------------------------------------------------


def test_the_track_record_counts_imported_projects_past_their_end_without_closure_or_final_report(amf, staff_user):
    lines = [
        "PRA-2016-011;2016;Clôturé et rapport reçu;AMF;W751000201;Maroc;;1000;01/01/2016;31/12/2016;oui;oui",
        "PRA-2016-012;2016;Pas clôturé;AMF;W751000201;Maroc;;1000;01/01/2016;31/12/2016;non;oui",
        "PRA-2016-013;2016;Sans rapport final;AMF;W751000201;Maroc;;1000;01/01/2016;30/06/2017;oui;non",
        "PRA-2016-014;2016;Pas encore fini;AMF;W751000201;Maroc;;1000;01/01/2016;31/12/2030;non;non",
        "PRA-2016-015;2016;Sans date de fin;AMF;W751000201;Maroc;;1000;;;non;non",
        "PRA-2016-016;2016;Autre association;Association disparue;;Maroc;;1000;01/01/2016;31/12/2016;non;non",
    ]
    services.apply_import(raw_rows=rows_of(*lines), file_name="h.csv", by=staff_user)
    assert unsettled_projects(amf, today=datetime.date(2026, 6, 1)) == [
        Unsettled(
            reference="PRA-2016-012",
            title="Pas clôturé",
            reason="projet de l'historique terminé le 31/12/2016 et non clôturé",
        ),
        Unsettled(
            reference="PRA-2016-013",
            title="Sans rapport final",
            reason="projet de l'historique terminé le 30/06/2017, rapport final non reçu",
        ),
    ]
    draft = ApplicationFactory(organisation=amf)
    result = next(result for result in check_application(draft) if result.code == "track_record")
    assert not result.ok and "PRA-2016-012 « Pas clôturé »" in result.message and "PRA-2016-013" in result.message
