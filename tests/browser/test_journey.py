"""The whole journey in a browser, as FORIM will live it, with axe-core on every page and a screenshot per step.

One dossier, one test: an association registers, is validated (FORIM names its support
operator), applies across two sessions (autosave survives a reload and a new login), submits;
FORIM staff find the dossier and ask for a correction; the association corrects and sends it
back. Then FORIM ticks its admissibility checks, declares the
dossier admissible and assigns a reviewer; the reviewer scores, the committee awards, the diploma is
generated and downloaded, FORIM announces the laureates' ceremony, the laureate registers for it and
is checked in. Screenshots in artifacts/screenshots/journey-*.png.
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role, User
from events.models import Event
from grants.models import Application, Transition
from grants.states import State
from members.models import Organisation, OrganisationStatus
from reviews.models import HUMAN_CHECKS
from tests.factories import (
    PASSWORD,
    CallFactory,
    CriterionFactory,
    OperatorFactory,
    OrganisationFactory,
    ProgrammeFactory,
    UserFactory,
)

from .a11y import assert_accessible, assert_keyboard_reachable
from .conftest import browser_login, fill_registration, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ASSOCIATION_PASSWORD = "un-mot-de-passe-solide-42"


def step(page, name):
    """Every page of the journey: no serious accessibility violation, a picture, every form control reachable by Tab."""
    assert_accessible(page, name)
    screenshot(page, f"journey-{name}")
    assert_keyboard_reachable(page, name)


def logged_in(page, email, password=PASSWORD):
    browser_login(page, email, password)
    page.wait_for_url(lambda url: "/connexion/" not in url)


def fill_and_wait_save(page, label, value):
    with page.expect_response(lambda response: "/autosave/" in response.url) as answer:
        page.get_by_label(label).fill(value)
    return answer.value


def test_one_dossier_from_registration_to_the_ceremony(browser, live_server, page):
    """One association, one dossier, every step in the browser."""
    application = register_apply_and_correct(browser, live_server, page)
    review_award_and_celebrate(browser, live_server, page, application)


def register_apply_and_correct(browser, live_server, page):
    """The association registers, is validated, applies over two sessions, submits, corrects."""
    call = CallFactory(programme=ProgrammeFactory(code="PRA"), title="Appel à projets PRA/OSIM 2026", year=2026)
    for position, label in enumerate(["Pertinence et ancrage local", "Pérennité"]):
        CriterionFactory(call=call, label=label, position=position)
    operator = OperatorFactory(name="Migrations & Développement")
    UserFactory(role=Role.STAFF, email="instruction@example.org", first_name="Mariam")

    # 1. The association registers (account, organisation, statutes and receipt).
    fill_registration(page, rna="W352000205", password=ASSOCIATION_PASSWORD)
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
    # ... and names the support operator (OPAP) that accompanies it.
    staff.goto(f"/reseau/organisations/{organisation.pk}/modifier/")
    staff.get_by_label("Opérateur d'appui qui accompagne").select_option(str(operator.pk))
    step(staff, "03a-staff-names-operator")
    staff.get_by_role("button", name="Enregistrer").click()
    assert staff.get_by_text("La fiche de l'organisation est enregistrée.").is_visible()
    organisation.refresh_from_db()
    assert organisation.operator.name == "Migrations & Développement"

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
    # Leave only once the last autosave has reached the database (it runs 0.8 s after typing stops).
    for _ in range(50):
        application.refresh_from_db()
        if application.own_funds == Decimal("5400.00") and application.budget_lines.exists():
            break
        page.wait_for_timeout(200)
    assert application.budget_lines.get().amount == Decimal("18000.00")
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
    return application


def review_award_and_celebrate(browser, live_server, page, application):
    """FORIM checks and assigns, the reviewer scores, the committee awards, the diploma, the ceremony."""
    staff_user = User.objects.get(email="instruction@example.org")
    treasurer = User.objects.get(email="awa@example.org")
    reviewer = UserFactory(role=Role.REVIEWER, email="evaluatrice@example.org", first_name="Nadia")
    call = application.call
    # Reference data, not a user step: the FORIM itself, organiser of its ceremonies (no page creates it).
    forim = OrganisationFactory(kind="forim", name="Forum des organisations de solidarité internationale issues des migrations",
                                acronym="FORIM", rna=None)

    # 1. FORIM ticks its checks, declares it admissible and puts it under review; a reviewer is assigned.
    staff = browser.new_context(base_url=live_server.url, locale="fr-FR").new_page()
    logged_in(staff, staff_user.email)
    staff.goto(f"/instruction/dossiers/{application.pk}/")
    checks = staff.locator("form").filter(has=staff.get_by_role("button", name="Enregistrer les vérifications"))
    for _code, label in HUMAN_CHECKS:
        checks.get_by_label(str(label), exact=True).check()
    checks.get_by_role("button", name="Enregistrer les vérifications").click()
    expect(staff.get_by_text("Vérifications enregistrées.")).to_be_in_viewport()  # shown where the page lands
    for _code, label in HUMAN_CHECKS:
        assert staff.get_by_label(str(label), exact=True).is_checked()
    step(staff, "12a-checklist")
    form = staff.locator("form").filter(has=staff.get_by_role("button", name="Enregistrer l'issue"))
    form.get_by_label("Recevable", exact=True).check()
    form.get_by_role("button", name="Enregistrer l'issue").click()
    staff.get_by_role("button", name="Mettre en évaluation").click()
    staff.wait_for_load_state()
    application.refresh_from_db()
    assert application.status == State.UNDER_REVIEW
    staff.get_by_label("Ajouter un évaluateur").select_option(label=str(reviewer))
    staff.get_by_role("button", name="Attribuer").click()
    expect(staff.get_by_text(f"{reviewer} évaluera ce dossier.")).to_be_in_viewport()
    step(staff, "12b-assign-reviewer")
    assert application.review_assignments.get().reviewer == reviewer

    # 2. The reviewer scores.
    page.context.clear_cookies()
    logged_in(page, reviewer.email)
    page.goto("/instruction/evaluateur/")
    step(page, "13-reviewer-home")
    page.get_by_role("link", name=application.reference).click()
    for select in page.locator("select[name^=score_]").all():
        select.select_option("4")
    page.get_by_label("Recommandation").select_option("fund")
    page.get_by_label("Appréciation générale").fill("Projet solide, bien ancré.")
    step(page, "14-reviewer-scores")
    page.once("dialog", lambda dialog: dialog.accept())  # sending is for good: the page asks first
    page.get_by_role("button", name="Envoyer mon évaluation").click()
    assert page.get_by_text("Évaluation envoyée : merci !").is_visible()

    # 3. The committee awards.
    staff.goto(f"/instruction/dossiers/{application.pk}/")
    staff.get_by_role("button", name="Inscrire au comité").click()
    staff.wait_for_load_state()
    staff.goto("/instruction/comites/")
    staff.get_by_label("Appel à projets").select_option(str(call.pk))
    staff.get_by_label("Date").fill(timezone.localdate().isoformat())
    staff.get_by_label("Lieu").fill("FORIM, Paris 19e")
    staff.get_by_role("button", name="Ouvrir la séance").click()
    staff.wait_for_url("**/comites/*/")
    decision = staff.locator(f"#a{application.pk}")
    decision.get_by_label("Montant attribué (€)").fill("12600")
    decision.get_by_label("Motif").fill("Projet pertinent, budget réaliste.")
    step(staff, "15-committee")
    decision.get_by_role("button", name="Enregistrer la décision").click()
    assert staff.get_by_text("Décision enregistrée").is_visible()
    application.refresh_from_db()
    assert application.status == State.AWARDED and application.awarded_amount == Decimal("12600.00")

    # 4. The diploma is generated by FORIM and downloaded by the association.
    staff.goto(f"/suivi/dossiers/{application.pk}/")
    staff.get_by_role("button", name="Générer : Diplôme de lauréat").click()
    staff.get_by_role("link", name="Télécharger diplome-").wait_for(timeout=60000)
    step(staff, "16-diploma-ready")
    page.context.clear_cookies()
    logged_in(page, treasurer.email, ASSOCIATION_PASSWORD)
    page.goto(f"/suivi/dossiers/{application.pk}/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger diplome-").click()
    assert download.value.suggested_filename.endswith(".pdf")
    step(page, "17-association-follow-up")

    # 5. FORIM announces the ceremony of the call's laureates; the laureate registers and is checked in.
    staff.goto("/evenements/")
    staff.get_by_role("link", name="Nouvel événement").click()
    staff.wait_for_url("**/evenements/nouveau/")
    start = timezone.localtime() + datetime.timedelta(days=20)
    staff.get_by_label("Type").select_option(label="Cérémonie des lauréats")
    staff.get_by_label("Intitulé").fill("Cérémonie des lauréats 2026")
    staff.get_by_label("Organisateur").select_option(label=str(forim))
    staff.get_by_label("Début").fill(start.strftime("%Y-%m-%dT14:00"))
    staff.get_by_label("Fin").fill(start.strftime("%Y-%m-%dT18:00"))
    staff.get_by_label("Lieu").fill("Palais de la Porte Dorée")
    staff.get_by_label("Ville").fill("Paris")
    staff.get_by_label("Région").select_option("IDF")
    staff.get_by_label("Nombre de places").fill("250")
    staff.get_by_label("Appel dont on célèbre les lauréats").select_option(label=call.title)
    step(staff, "17a-ceremony-create")
    staff.get_by_role("button", name="Enregistrer").click()
    staff.wait_for_url("**/evenements/*/")
    assert staff.get_by_text("Événement enregistré.").is_visible()
    ceremony = Event.objects.get(title="Cérémonie des lauréats 2026")
    assert (ceremony.kind, ceremony.call, ceremony.organiser, ceremony.created_by) == ("ceremony", call, forim, staff_user)
    page.goto(f"/evenements/{ceremony.pk}/")
    step(page, "18-ceremony-page")
    page.get_by_role("button", name="S'inscrire").click()
    page.get_by_text("inscrit", exact=False).first.wait_for()
    staff.goto(f"/evenements/{ceremony.pk}/pointage/")
    staff.get_by_label("Chercher un nom").fill("Awa")
    staff.locator("#checkin-results li").first.wait_for()
    staff.get_by_role("button", name="Pointer").first.click()
    staff.get_by_role("button", name="✓ Présent").wait_for()
    step(staff, "19-checked-in")
    assert ceremony.registrations.get().checked_in_at is not None
    staff.context.close()
