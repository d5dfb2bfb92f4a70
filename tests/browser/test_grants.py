"""A treasurer fills a dossier on a phone: autosave, a field error, a colleague's stale save, submission."""

import pytest

from accounts.models import Role
from grants.models import Application
from grants.states import State
from members.models import MemberRole
from tests.factories import (
    PASSWORD,
    CallFactory,
    MembershipFactory,
    OperatorFactory,
    OrganisationFactory,
    ProgrammeFactory,
    UserFactory,
)

from .conftest import browser_login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setting():
    call = CallFactory(programme=ProgrammeFactory(code="PRA"), title="Appel à projets PRA/OSIM 2026", year=2026)
    operator = OperatorFactory(name="Migrations & Développement")
    amf = OrganisationFactory(name="Association des Marocains en France", acronym="AMF", operator=operator)
    treasurer = MembershipFactory(organisation=amf, role=MemberRole.ADMIN, user__first_name="Karim", user__email="tresorier@example.org").user
    colleague = MembershipFactory(organisation=amf, role=MemberRole.MEMBER, user__first_name="Awa", user__last_name="Diop", user__email="awa@example.org").user
    staff = UserFactory(role=Role.STAFF, email="instruction@example.org")
    opap = MembershipFactory(organisation=operator, user__role=Role.OPERATOR, user__email="opap@example.org").user
    return {"call": call, "treasurer": treasurer, "colleague": colleague, "staff": staff, "opap": opap}


def fill_and_wait_save(page, label, value):
    """Type like a person and wait for the autosave answer (whatever its status)."""
    with page.expect_response(lambda response: "/autosave/" in response.url) as answer:
        page.get_by_label(label).fill(value)
    return answer.value


def test_treasurer_fills_and_submits_on_a_phone(phone_page, browser, live_server, setting):
    page = phone_page
    browser_login(page, "tresorier@example.org", PASSWORD)
    page.wait_for_url("**/")
    page.goto("/subventions/appels/")
    screenshot(page, "grants-01-open-calls")
    page.get_by_role("button", name="Commencer une demande").click()
    page.wait_for_url("**/etape/project/")
    assert fill_and_wait_save(page, "Titre du projet", "Adduction d'eau potable à Tafraout").status == 200
    page.get_by_label("Pays du projet").select_option("MA")
    page.get_by_label("Secteur").select_option("water")
    page.get_by_label("Durée (mois)").fill("40")
    page.wait_for_function("() => document.querySelector('#fb-duration_months').innerText.includes('40 mois')")
    page.get_by_label("Durée (mois)").fill("12")
    page.get_by_label("Objectifs").fill("Assurer un accès durable à l'eau potable pour 1 200 habitants.")
    page.wait_for_function("() => !document.querySelector('#fb-duration_months .rule-fail')")
    screenshot(page, "grants-02-project-autosaved")
    application = Application.objects.get(title="Adduction d'eau potable à Tafraout")
    assert application.duration_months == 12 and application.country == "MA"

    page.get_by_role("button", name="Étape suivante").click()
    page.wait_for_url("**/etape/budget/")
    page.get_by_label("Catégorie").first.select_option("investment")
    page.get_by_label("Libellé").first.fill("Forage et pompe solaire")
    page.get_by_label("Coût unitaire (€)").first.fill("18000")
    page.get_by_label("Montant demandé au FORIM (€)").fill("12600")
    page.get_by_label("Fonds propres (€)").fill("quatre mille")
    page.locator("#fb-own_funds .errorlist").wait_for()
    screenshot(page, "grants-03-budget-field-error")
    assert page.get_by_label("Fonds propres (€)").input_value() == "quatre mille"  # nothing typed is lost
    page.get_by_label("Fonds propres (€)").fill("5400")
    page.wait_for_function("() => document.querySelector('#budget-totals').innerText.includes('équilibré')")
    assert Application.objects.get(pk=application.pk).budget_lines.get().amount == 18000

    # a colleague saves meanwhile on another device: the treasurer's next save is refused and explained
    other = browser.new_context(base_url=live_server.url, locale="fr-FR").new_page()
    browser_login(other, "awa@example.org", PASSWORD)
    other.wait_for_url("**/")
    other.goto(f"/subventions/dossiers/{application.pk}/etape/project/")
    assert fill_and_wait_save(other, "Localité", "Tafraout, province de Tiznit").status == 200
    other.context.close()
    assert fill_and_wait_save(page, "Autres financeurs : lesquels", "Commune de Tafraout").status == 409
    page.locator("#save-state.error").wait_for()
    assert "Awa Diop" in page.locator("#save-state").inner_text()
    screenshot(page, "grants-04-stale-save")
    page.get_by_role("button", name="Enregistrer ma version").click()
    page.wait_for_url("**/etape/budget/?verifier=1")  # saved on purpose: every rule now speaks at its field
    assert Application.objects.get(pk=application.pk).other_funders_detail == "Commune de Tafraout"

    page.goto(f"/subventions/dossiers/{application.pk}/etape/documents/")
    page.get_by_label("Type de pièce").select_option("statutes")
    page.get_by_label("Fichier").set_input_files({"name": "statuts.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%test\n%%EOF\n"})
    page.get_by_role("button", name="Ajouter au dossier").click()
    page.get_by_text("Pièce ajoutée au dossier.").wait_for()
    screenshot(page, "grants-05a-documents")
    page.goto(f"/subventions/dossiers/{application.pk}/etape/review/")
    screenshot(page, "grants-05-review")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Déposer le dossier").click()
    page.wait_for_url(f"**/dossiers/{application.pk}/")
    application.refresh_from_db()
    assert application.status == State.SUBMITTED and application.reference == "PRA-2026-0001"
    assert page.get_by_text("PRA-2026-0001").first.is_visible()
    screenshot(page, "grants-06-submitted")
    page.goto("/subventions/mes-dossiers/")
    screenshot(page, "grants-07-my-applications")


def test_staff_configure_calls_and_operator_sees_drafts(page, setting):
    Application.objects.create(call=setting["call"], organisation=setting["treasurer"].memberships.get().organisation, title="Adduction d'eau potable à Tafraout")
    browser_login(page, "instruction@example.org", PASSWORD)
    page.wait_for_url("**/")
    page.goto("/subventions/appels/")
    screenshot(page, "grants-08-staff-calls")
    page.get_by_role("link", name="Modifier").first.click()
    assert page.get_by_label("Subvention maximale (€)").input_value() == "15000.00"
    screenshot(page, "grants-09-call-form")
    page.context.clear_cookies()
    browser_login(page, "opap@example.org", PASSWORD)
    page.wait_for_url("**/")
    page.goto("/subventions/operateur/brouillons/")
    page.get_by_role("link", name="Lire et donner mon avis").click()
    page.get_by_label("Visa accordé").check()
    page.get_by_label("Commentaire pour l'association").fill("Dossier solide, budget réaliste.")
    page.get_by_role("button", name="Transmettre mon avis").click()
    page.wait_for_url("**/operateur/brouillons/")
    assert page.get_by_text("Visa accordé").first.is_visible()
    screenshot(page, "grants-10-operator-drafts")
