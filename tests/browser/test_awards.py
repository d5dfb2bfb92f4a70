"""The follow-up pages in a real browser: staff on a desktop, the association and the partner on a phone."""

from decimal import Decimal

import pytest

from accounts.models import Role
from awards.services import mark_agreement_sent, save_rule
from documents.services import request_document
from grants.models import BudgetLine
from members.models import MemberRole, OrganisationKind
from tests.awards.conftest import award
from tests.factories import (
    PASSWORD,
    ApplicationFactory,
    CallFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)

from .conftest import browser_login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def follow_up(db):
    staff = UserFactory(role=Role.STAFF, first_name="Mariam", email="instruction@example.org")
    amf = OrganisationFactory(name="Association des Marocains en France", acronym="AMF", diaspora_countries=["MA"])
    treasurer = MembershipFactory(organisation=amf, role=MemberRole.ADMIN, user__email="tresorier@example.org", user__first_name="Karim").user
    ccme = OrganisationFactory(kind=OrganisationKind.PARTNER, name="Conseil de la Communauté Marocaine à l'Étranger", acronym="CCME", rna=None)
    partner = MembershipFactory(organisation=ccme, user__role=Role.PARTNER, user__email="partenaire@example.org", user__first_name="Leïla").user
    call = CallFactory(title="Appel à projets PRA/OSIM 2026", tranche_split=[70, 30])
    save_rule(by=staff, partner=ccme, programme=call.programme, name="Diaspora marocaine, projets au Maroc", diaspora_country="MA",
              project_country="MA", rate=Decimal("30"), cap=None, is_active=True)
    application = ApplicationFactory(call=call, organisation=amf, country="MA", locality="Aït Baha", start_date="2026-07-01",
                                     amount_requested=Decimal("15000.00"), own_funds=Decimal("6000.00"), in_kind=Decimal("1500.00"),
                                     duration_months=12, title="Bibliothèque et salle informatique au collège d'Aït Baha")
    BudgetLine.objects.create(application=application, category="investment", label="Aménagement de la salle", amount=Decimal("6000.00"))
    BudgetLine.objects.create(application=application, category="supplies", label="Livres et 15 ordinateurs", amount=Decimal("13000.00"))
    BudgetLine.objects.create(application=application, category="training", label="Formation des animateurs", amount=Decimal("3000.00"))
    award(application, "15000.00", staff=staff, applicant=treasurer)
    return {"staff": staff, "treasurer": treasurer, "partner": partner, "application": application}


def test_staff_follow_a_project_and_generate_its_diploma(page, follow_up):
    application = follow_up["application"]
    browser_login(page, follow_up["staff"].email, PASSWORD)
    page.wait_for_url("**/")
    page.goto("/suivi/")
    assert page.get_by_role("heading", name="Suivi des projets financés").is_visible()
    screenshot(page, "awards-01-staff-followup")
    page.get_by_role("link", name="Bibliothèque et salle informatique").click()
    page.wait_for_url(f"**/suivi/dossiers/{application.pk}/")
    assert page.get_by_text("4 500,00").first.is_visible()  # the CCME top-up shows on the dossier
    page.get_by_role("button", name="Générer : Diplôme de lauréat").click()
    page.get_by_role("link", name="Télécharger diplome-").wait_for(timeout=30000)
    screenshot(page, "awards-02-staff-detail-diploma-ready")
    page.get_by_label("Convention signée (PDF)").set_input_files(
        files=[{"name": "convention.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 signed"}])
    page.get_by_role("button", name="Enregistrer la convention signée").click()
    assert page.get_by_text("Convention signée enregistrée").is_visible()
    page.get_by_text("Enregistrer un virement").first.click()
    page.get_by_label("Date du virement").first.fill("2026-07-10")
    page.get_by_label("Montant (€)").first.fill("10600")
    page.get_by_label("Référence du virement").first.fill("VIR-2026-0142")
    page.get_by_role("button", name="Enregistrer", exact=True).first.click()
    assert page.get_by_text("Versement refusé").is_visible()
    assert page.get_by_label("Référence du virement").first.input_value() == "VIR-2026-0142"
    screenshot(page, "awards-03-staff-overpayment-refused")
    page.get_by_role("link", name="Diplômes et rapports de l'appel").click()
    page.get_by_role("button", name="Générer : Tous les diplômes (ZIP)").click()
    page.get_by_role("link", name="Télécharger diplomes-").wait_for(timeout=30000)
    screenshot(page, "awards-08-staff-call-documents")
    page.goto("/suivi/cofinancement/regles/")
    screenshot(page, "awards-09-staff-rules")
    page.get_by_role("link", name="Nouvelle règle").click()
    page.get_by_label("Partenaire").select_option(label="Conseil de la Communauté Marocaine à l'Étranger (CCME)")
    page.get_by_label("Programme").select_option(index=1)
    page.get_by_label("Intitulé").fill("Règle trop généreuse")
    page.get_by_label("Taux (%)").fill("130")
    page.evaluate("document.querySelector('form.card').noValidate = true")  # let the server answer, not the browser
    page.get_by_role("button", name="Enregistrer et appliquer").click()
    assert page.get_by_text("Le taux doit être compris entre 0 et 100 %").is_visible()
    assert page.get_by_label("Intitulé").input_value() == "Règle trop généreuse"
    screenshot(page, "awards-10-staff-rule-rate-refused")


@pytest.fixture
def small_phone(browser, live_server):
    """The smallest phone the portal is checked on: 360 × 740."""
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", viewport={"width": 360, "height": 740},
                                  is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


def fits(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{page.url} is {width} px wide"  # nothing overflows the phone screen


def test_the_association_reaches_its_follow_up_by_clicking_and_fills_its_report_on_a_phone(small_phone, follow_up):
    """From the home page only: the dossier page shows the amount, the agreement, the payments, the reports and the diploma."""
    application, phone_page = follow_up["application"], small_phone
    mark_agreement_sent(application=application, by=follow_up["staff"])
    request_document(kind="diploma", target=application, user=follow_up["staff"])  # made by FORIM (eager here)
    browser_login(phone_page, follow_up["treasurer"].email, PASSWORD)
    phone_page.wait_for_url("**/")
    fits(phone_page)
    phone_page.get_by_role("link", name="Bibliothèque et salle informatique").first.click()
    phone_page.wait_for_url(f"**/dossiers/{application.pk}/")
    follow = phone_page.locator("#suivi")
    assert follow.get_by_text("15 000,00").first.is_visible()  # the awarded amount
    assert follow.get_by_text("Envoyée, en attente de signature").is_visible()
    assert follow.get_by_text("Tranche 1 (70 %)").is_visible() and follow.get_by_text("10 500,00").first.is_visible()
    assert follow.get_by_role("link", name="Télécharger diplome-").is_visible()
    assert phone_page.get_by_role("button", name="Régénérer : Diplôme de lauréat").count() == 0
    fits(phone_page)
    screenshot(phone_page, "awards-04-association-dossier-360")
    follow.get_by_label("Convention signée (PDF)").set_input_files(
        files=[{"name": "convention.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 signed"}])
    follow.get_by_role("button", name="Renvoyer la convention signée").click()
    assert phone_page.get_by_text("Convention signée envoyée au FORIM").is_visible()
    assert phone_page.get_by_text("Renvoyée signée, en cours de vérification par le FORIM").is_visible()
    phone_page.get_by_role("link", name="Rédiger le rapport intermédiaire n°1").click()
    phone_page.get_by_label("Rapport narratif").fill("La salle est aménagée ; 1 200 livres sont arrivés.")
    phone_page.get_by_label("Aménagement de la salle").fill("5800")
    phone_page.get_by_role("button", name="Remettre le rapport au FORIM").click()
    assert phone_page.get_by_text("Rapport remis au FORIM").is_visible()
    fits(phone_page)
    screenshot(phone_page, "awards-05-association-report-360")


def test_the_partner_sees_its_cofinanced_projects_on_a_phone(phone_page, follow_up):
    browser_login(phone_page, follow_up["partner"].email, PASSWORD)
    phone_page.wait_for_url("**/")
    assert phone_page.get_by_text("Bibliothèque et salle informatique").first.is_visible()
    screenshot(phone_page, "awards-06-partner-home-phone")
    phone_page.goto("/suivi/partenaire/")
    phone_page.get_by_role("button", name="Générer : Tableau XLSX").click()
    phone_page.get_by_role("link", name="Télécharger cofinancement-").wait_for(timeout=30000)
    screenshot(phone_page, "awards-07-partner-projects-phone")
