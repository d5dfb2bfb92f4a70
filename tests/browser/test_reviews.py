import datetime
from decimal import Decimal

import pytest

from accounts.models import Role
from grants.states import State
from reviews import services
from reviews.models import CommitteeDecision
from tests.factories import PASSWORD, CallFactory, CriterionFactory, OrganisationFactory, UserFactory
from tests.reviews.conftest import make_application

from .conftest import browser_login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def instruction():
    staff = UserFactory(role=Role.STAFF, first_name="Mariam", email="instruction@example.org")
    reviewer = UserFactory(role=Role.REVIEWER, first_name="Nadia", email="evaluatrice@example.org")
    call = CallFactory(title="Appel à projets PRA/OSIM 2026", envelope=Decimal("750000.00"))
    for position, (label, weight) in enumerate([("Pertinence et ancrage local", "3"), ("Pérennité et réalisme du budget", "1.5")]):
        CriterionFactory(call=call, label=label, weight=Decimal(weight), position=position, guidance="Le projet répond-il à des besoins exprimés ?")
    pafha = OrganisationFactory(name="Plateforme des associations franco-haïtiennes", acronym="PAFHA")
    rame = OrganisationFactory(name="Réseau d'accompagnement des migrants vers l'emploi", acronym="RAME", region="BRE")
    submitted = make_application(call, pafha, State.SUBMITTED, staff, title="Centre de santé communautaire à Jacmel", country="HT")
    reviewing = make_application(call, rame, State.UNDER_REVIEW, staff, title="Coopérative de manioc à Bafoussam", country="CM")
    ready = make_application(call, pafha, State.READY_FOR_COMMITTEE, staff, title="Bibliothèque scolaire à Léogâne", country="HT")
    assignment = services.assign_reviewer(application=reviewing, reviewer=reviewer, by=staff)
    return {"staff": staff, "reviewer": reviewer, "call": call, "submitted": submitted, "ready": ready, "assignment": assignment}


def test_staff_instruct_and_the_committee_decides(page, instruction):
    browser_login(page, instruction["staff"].email, PASSWORD)
    page.wait_for_url("**/")
    page.goto("/instruction/dossiers/")
    assert page.get_by_role("heading", name="Dossiers à instruire").is_visible()
    screenshot(page, "reviews-01-table")
    page.get_by_role("link", name=instruction["submitted"].reference).click()
    assert page.get_by_role("heading", name="Recevabilité", exact=True).is_visible()
    page.get_by_label("Le budget correspond aux activités décrites").check()
    page.get_by_role("button", name="Enregistrer les vérifications").click()
    assert page.get_by_text("Vérifications enregistrées").is_visible()
    screenshot(page, "reviews-02-dossier")
    page.goto("/instruction/circuit/")
    assert page.locator("svg").first.is_visible()
    screenshot(page, "reviews-03-workflow")
    page.goto("/instruction/comites/")
    page.get_by_label("Appel à projets").select_option(str(instruction["call"].pk))
    page.get_by_label("Date").fill("2026-12-10")
    page.get_by_label("Lieu").fill("FORIM, Paris 19e")
    page.get_by_role("button", name="Ouvrir la séance").click()
    page.wait_for_url("**/comites/*/")
    ready = instruction["ready"]
    form = page.locator(f"#a{ready.pk}")
    form.get_by_label("Montant attribué (€)").fill("99999")
    form.get_by_label("Motif").fill("Projet très pertinent")
    form.get_by_role("button", name="Enregistrer la décision").click()
    assert page.get_by_text("dépasse ce que permettent les règles").first.is_visible()
    assert page.locator(f"#a{ready.pk}").get_by_label("Motif").input_value() == "Projet très pertinent"
    page.locator(f"#a{ready.pk}").get_by_label("Montant attribué (€)").fill("7000")
    page.locator(f"#a{ready.pk}").get_by_role("button", name="Enregistrer la décision").click()
    assert page.get_by_text("Décision enregistrée").is_visible()
    assert CommitteeDecision.objects.get().amount == Decimal("7000.00")
    screenshot(page, "reviews-04-committee")


def test_a_reviewer_scores_on_a_phone(phone_page, instruction):
    page = phone_page
    browser_login(page, instruction["reviewer"].email, PASSWORD)
    page.wait_for_url("**/")
    screenshot(page, "reviews-05-reviewer-home-phone")
    page.goto("/instruction/evaluateur/")
    page.get_by_role("link", name=instruction["assignment"].application.reference).click()
    for select in page.locator("select[name^=score_]").all():
        select.select_option("4")
    page.get_by_label("Recommandation").select_option("fund")
    page.get_by_label("Appréciation générale").fill("Projet solide, bien ancré.")
    screenshot(page, "reviews-06-review-form-phone")
    page.once("dialog", lambda dialog: dialog.accept())  # "it cannot be changed afterwards": yes, send it
    page.get_by_role("button", name="Envoyer mon évaluation").click()
    assert page.get_by_text("Évaluation envoyée : merci !").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "reviews-07-review-sent-phone")
    assert instruction["assignment"].application.__class__.objects.get(pk=instruction["assignment"].application_id).score == Decimal("16.00")


def test_minutes_pdf_is_produced(page, instruction):
    session = services.open_session(call=instruction["call"], date=datetime.date(2026, 12, 10), by=instruction["staff"], place="Paris")
    services.record_decision(session=session, application=instruction["ready"], by=instruction["staff"], outcome="award", amount="7000", reason="Projet pertinent")
    browser_login(page, instruction["staff"].email, PASSWORD)
    page.wait_for_url("**/")
    page.goto(f"/instruction/comites/{session.pk}/")
    page.get_by_role("button", name="Clôturer la séance et produire le procès-verbal").click()
    page.wait_for_url(f"**/comites/{session.pk}/")
    screenshot(page, "reviews-08-session-closed")


def test_staff_pages_fit_a_phone(phone_page, instruction):
    page = phone_page
    browser_login(page, instruction["staff"].email, PASSWORD)
    page.wait_for_url("**/")
    for url, name in [("/instruction/dossiers/", "reviews-09-table-phone"),
                      (f"/instruction/dossiers/{instruction['submitted'].pk}/", "reviews-10-dossier-phone"),
                      ("/instruction/circuit/", "reviews-11-workflow-phone")]:
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, url
        screenshot(page, name)
