import pytest

from accounts.models import Role
from members import demo
from members.models import Organisation, OrganisationStatus
from tests.factories import PASSWORD, UserFactory

from .conftest import browser_login, fill_registration, pdf_file, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

def test_an_association_registers_on_a_phone(phone_page):
    page = phone_page
    page.goto("/reseau/inscription/")
    screenshot(page, "members-01-register-empty-phone")
    fill_registration(page, rna="W12", password="un-mot-de-passe-solide-42")
    page.get_by_role("button", name="Envoyer l'inscription").click()
    # Named twice: in the error summary at the top and next to the field.
    assert page.get_by_role("link", name="Numéro RNA invalide (« W12 »)").is_visible()
    assert page.locator("#id_org-rna_error").get_by_text("Numéro RNA invalide (« W12 »)").is_visible()
    assert page.input_value("[name=org-name]") == "Association Kassoumaï pour le développement"
    screenshot(page, "members-02-register-errors-phone")
    page.fill("[name=org-rna]", "W352000205")
    page.set_input_files("[name=docs-statutes]", pdf_file("statuts.pdf"))
    page.set_input_files("[name=docs-receipt]", pdf_file("recepisse.pdf"))
    page.get_by_role("button", name="Envoyer l'inscription").click()
    page.wait_for_url("**/reseau/mon-association/")
    assert page.get_by_text("en attente de validation par l'équipe").first.is_visible()
    screenshot(page, "members-03-my-organisation-pending-phone")
    assert Organisation.objects.get(rna="W352000205").status == OrganisationStatus.PENDING


def test_staff_validate_browse_the_directory_and_actions(page):
    from accounts import demo as accounts_demo

    accounts_demo.load()
    demo.load()
    staff = UserFactory(role=Role.STAFF, first_name="Mariam")
    browser_login(page, staff.email, PASSWORD)
    page.wait_for_url("**/")
    screenshot(page, "members-04-staff-home")
    page.get_by_role("link", name="Association Kassoumaï pour le développement de la Casamance (AKDC)").click()
    screenshot(page, "members-05-pending-organisation")
    page.get_by_role("button", name="Valider l'inscription").click()
    assert page.get_by_text("est validée").first.is_visible()
    page.goto("/reseau/")
    screenshot(page, "members-06-directory")
    page.get_by_text("Plus de filtres").click()
    page.select_option("[name=region]", "BRE")
    page.get_by_role("button", name="Filtrer").click()
    assert page.get_by_role("link", name="Réseau d'accompagnement des migrants vers l'emploi").is_visible()
    screenshot(page, "members-06b-directory-filtered")
    page.goto("/reseau/actions/?in_qpv=oui")
    screenshot(page, "members-07-actions-qpv")
    amf = Organisation.objects.get(rna="W751000201")
    page.goto(f"/reseau/organisations/{amf.pk}/")
    screenshot(page, "members-08-amf-page")
    page.goto(f"/reseau/organisations/{amf.pk}/historique/")
    screenshot(page, "members-09-history")


def test_coordinator_home_and_directory_on_a_phone(phone_page):
    from accounts import demo as accounts_demo

    accounts_demo.load()
    demo.load()
    browser_login(phone_page, "coordination@example.org", accounts_demo.DEMO_PASSWORD)
    phone_page.wait_for_url("**/")
    assert phone_page.get_by_role("link", name="Réseau d'accompagnement des migrants vers l'emploi (RAME)").is_visible()
    screenshot(phone_page, "members-10-coordinator-home-phone")
    phone_page.goto("/reseau/")
    screenshot(phone_page, "members-11-coordinator-directory-phone")
    assert phone_page.get_by_text("Association des Marocains en France").count() == 0


def test_association_page_and_import_preview(page):
    from accounts import demo as accounts_demo

    accounts_demo.load()
    demo.load()
    browser_login(page, "association@example.org", accounts_demo.DEMO_PASSWORD)
    page.wait_for_url("**/")
    page.goto("/reseau/mon-association/")
    screenshot(page, "members-12-my-organisation-amf")
    page.get_by_role("button", name="Se déconnecter").click()
    staff = UserFactory(role=Role.STAFF)
    browser_login(page, staff.email, PASSWORD)
    page.wait_for_url("**/")
    page.goto("/reseau/import/")
    csv = "RNA;Nom;Région;Pays d'origine\nW751000301;Association des Sénégalais de Paris;IDF;Sénégal\nW12;Mauvais;Atlantide;\n"
    page.set_input_files("[name=file]", {"name": "membres.csv", "mimeType": "text/csv", "buffer": csv.encode()})
    page.get_by_role("button", name="Vérifier le fichier").click()
    assert page.get_by_text("Région inconnue « Atlantide »").is_visible()
    screenshot(page, "members-13-import-preview")


def test_an_association_adds_an_action_and_a_document_on_a_phone(phone_page):
    from accounts import demo as accounts_demo

    accounts_demo.load()
    demo.load()
    page = phone_page
    browser_login(page, "association2@example.org", accounts_demo.DEMO_PASSWORD)
    page.wait_for_url("**/")
    page.goto("/reseau/mon-association/")
    page.get_by_role("link", name="Ajouter une action en France").click()
    page.fill("[name=title]", "Permanence d'écrivain public")
    page.select_option("[name=domain]", "rights")
    page.fill("[name=year]", "2025")
    page.fill("[name=city]", "Paris")
    page.check("[name=in_qpv]")
    page.fill("[name=neighbourhood]", "Paris 19e")
    screenshot(page, "members-14-action-form-phone")
    page.get_by_role("button", name="Enregistrer").click()
    assert page.locator("strong", has_text="Permanence d'écrivain public").is_visible()
    page.get_by_role("link", name="Ajouter un document").click()
    page.select_option("[name=doc_type]", "general_assembly")
    page.fill("[name=year]", "2025")
    page.set_input_files("[name=file]", pdf_file("PV AG 2025.pdf"))
    screenshot(page, "members-15-document-form-phone")
    page.get_by_role("button", name="Ajouter").click()
    assert page.get_by_text("PV-AG-2025.pdf").is_visible()
    screenshot(page, "members-16-vault-phone")
