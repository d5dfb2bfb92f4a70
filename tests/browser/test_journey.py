"""The whole journey in a browser, as FORIM will live it, with axe-core on every page and a screenshot per step.

An association registers, is validated, applies across two sessions (autosave survives a
reload and a new login), submits; FORIM staff find the dossier and ask for a correction; the
association corrects and sends it back. Screenshots in artifacts/screenshots/journey-*.png.
"""

import pytest

from accounts.models import Role
from grants.models import Application, Transition
from grants.states import State
from members.models import Organisation, OrganisationStatus
from tests.factories import PASSWORD, CallFactory, OperatorFactory, ProgrammeFactory, UserFactory

from .a11y import assert_accessible
from .conftest import browser_login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ASSOCIATION_PASSWORD = "un-mot-de-passe-solide-42"


def pdf_file(name):
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF}


def step(page, name):
    """Every page of the journey: no serious accessibility violation, and a picture."""
    assert_accessible(page, name)
    screenshot(page, f"journey-{name}")


def logged_in(page, email, password=PASSWORD):
    browser_login(page, email, password)
    page.wait_for_url(lambda url: "/connexion/" not in url)


def fill_and_wait_save(page, label, value):
    with page.expect_response(lambda response: "/autosave/" in response.url) as answer:
        page.get_by_label(label).fill(value)
    return answer.value


def test_from_registration_to_a_corrected_dossier(browser, live_server, page):
    CallFactory(programme=ProgrammeFactory(code="PRA"), title="Appel à projets PRA/OSIM 2026", year=2026)
    operator = OperatorFactory(name="Migrations & Développement")
    UserFactory(role=Role.STAFF, email="instruction@example.org", first_name="Mariam")

    # 1. The association registers (account, organisation, statutes and receipt).
    page.goto("/reseau/inscription/")
    page.fill("[name=org-name]", "Association Kassoumaï pour le développement")
    page.fill("[name=org-acronym]", "AKD")
    page.fill("[name=org-rna]", "W352000205")
    page.fill("[name=org-postcode]", "35200")
    page.fill("[name=org-city]", "Rennes")
    page.select_option("[name=org-region]", "BRE")
    page.select_option("[name=org-diaspora_countries]", ["SN"])
    page.fill("[name=account-first_name]", "Awa")
    page.fill("[name=account-last_name]", "Diatta")
    page.fill("[name=account-account_email]", "awa@example.org")
    page.fill("[name=account-password]", ASSOCIATION_PASSWORD)
    page.fill("[name=account-password_again]", ASSOCIATION_PASSWORD)
    page.set_input_files("[name=docs-statutes]", pdf_file("statuts.pdf"))
    page.set_input_files("[name=docs-receipt]", pdf_file("recepisse.pdf"))
    page.check("[name=docs-board_declaration]")
    step(page, "01-registration-form")
    page.get_by_role("button", name="Envoyer l'inscription").click()
    page.wait_for_url("**/reseau/mon-association/")
    step(page, "02-registered-pending")
    organisation = Organisation.objects.get(rna="W352000205")
    assert organisation.status == OrganisationStatus.PENDING

    # 2. FORIM validates it.
    staff = browser.new_context(base_url=live_server.url, locale="fr-FR").new_page()
    logged_in(staff, "instruction@example.org")
    staff.goto(f"/reseau/organisations/{organisation.pk}/")
    step(staff, "03-staff-sees-registration")
    staff.get_by_role("button", name="Valider l'inscription").click()
    assert staff.get_by_text("est validée").first.is_visible()
    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.VALIDATED
    Organisation.objects.filter(pk=organisation.pk).update(operator=operator)  # the accompanying OPAP, set by FORIM

    # 3. The association applies: a first session, autosave, a reload.
    page.context.clear_cookies()
    logged_in(page, "awa@example.org", ASSOCIATION_PASSWORD)
    page.goto("/subventions/appels/")
    step(page, "04-open-calls")
    page.get_by_role("button", name="Commencer une demande").click()
    page.wait_for_url("**/etape/project/")
    assert fill_and_wait_save(page, "Titre du projet", "Périmètre maraîcher de Ziguinchor").status == 200
    page.get_by_label("Pays du projet").select_option("SN")
    page.get_by_label("Secteur").select_option("rural")
    page.get_by_label("Durée (mois)").fill("12")
    assert fill_and_wait_save(page, "Objectifs", "Nourrir 300 familles toute l'année.").status == 200
    page.reload()
    assert page.get_by_label("Titre du projet").input_value() == "Périmètre maraîcher de Ziguinchor"
    step(page, "05-project-after-reload")
    application = Application.objects.get(title="Périmètre maraîcher de Ziguinchor")

    # ... and a second session on another device, the next day: everything is there.
    page.context.clear_cookies()
    logged_in(page, "awa@example.org", ASSOCIATION_PASSWORD)
    page.goto(f"/subventions/dossiers/{application.pk}/etape/project/")
    assert page.get_by_label("Objectifs").input_value() == "Nourrir 300 familles toute l'année."
    page.get_by_role("button", name="Étape suivante").click()
    page.wait_for_url("**/etape/budget/")
    page.get_by_label("Catégorie").first.select_option("investment")
    page.get_by_label("Libellé").first.fill("Clôture, puits et semences")
    page.get_by_label("Coût unitaire (€)").first.fill("18000")
    page.get_by_label("Montant demandé au FORIM (€)").fill("12600")
    page.get_by_label("Fonds propres (€)").fill("5400")
    page.wait_for_function("() => document.querySelector('#budget-totals').innerText.includes('équilibré')")
    step(page, "06-budget-second-session")

    # 4. It submits.
    page.goto(f"/subventions/dossiers/{application.pk}/etape/review/")
    step(page, "07-review-before-submit")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Déposer le dossier").click()
    page.wait_for_url(f"**/dossiers/{application.pk}/")
    application.refresh_from_db()
    assert application.status == State.SUBMITTED
    assert page.get_by_text(application.reference).first.is_visible()
    step(page, "08-submitted")

    # 5. FORIM finds it in the instruction table and asks for a correction.
    staff.goto("/instruction/dossiers/")
    step(staff, "09-staff-table")
    staff.get_by_role("link", name=application.reference).click()
    form = staff.locator("form").filter(has=staff.get_by_role("button", name="Enregistrer l'issue"))
    form.get_by_label("Corrections demandées").check()
    form.locator("input[name=sections][value=budget]").check()
    form.get_by_label("Motif ou ce qu'il faut corriger").fill("Joignez le devis du puits, s'il vous plaît.")
    step(staff, "10-staff-dossier")
    form.get_by_role("button", name="Enregistrer l'issue").click()
    staff.wait_for_load_state()
    application.refresh_from_db()
    assert application.status == State.CORRECTIONS_REQUESTED

    # 6. The association corrects and sends it back.
    page.goto(f"/subventions/dossiers/{application.pk}/")
    assert page.get_by_text("Joignez le devis du puits").first.is_visible()
    step(page, "11-corrections-requested")
    page.goto(f"/subventions/dossiers/{application.pk}/etape/review/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Renvoyer le dossier corrigé").click()
    page.wait_for_url(f"**/dossiers/{application.pk}/")
    application.refresh_from_db()
    assert application.status == State.SUBMITTED
    step(page, "12-resubmitted")
    assert list(Transition.objects.filter(application=application).values_list("name", flat=True)) == [
        "submit", "request_corrections", "resubmit",
    ]
    staff.context.close()
