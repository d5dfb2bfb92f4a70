"""Issue 14: each role reaches what it needs by clicking from its home page, and the cost is counted.

After the sign-in, no test types an address: it clicks links, buttons, boxes and lists (typing in a field
is allowed). A `Journey` counts what a person taps (a link, a button, a box, a choice in a list; typing is
not counted) and the pages the browser loads, prints "<task>: N clics, M pages" and keeps a screenshot of
every step in artifacts/screenshots/parcours-*.png. The association works on a 360 × 740 phone and every page
it sees is checked to be no wider than the screen; the other roles use a 1440 × 900 desktop. The numbers are
listed in the README ("Parcours : clics et pages").
"""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Role, User
from awards import services as awards_services
from documents.services import request_document
from grants import workflow
from grants.models import Application
from grants.states import State
from members import services as members_services
from members.models import Organisation
from support.models import SupportLog
from tests.factories import CallFactory, CriterionFactory, ProgrammeFactory, UserFactory

from .conftest import browser_login, pdf_file, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1440, "height": 900}
ASSOCIATION_PASSWORD = "un-mot-de-passe-solide-42"
DEMO_PASSWORD = "forim-demo-2026"


class Journey:
    """Taps and page loads of one task on one page; a screenshot (and at 360 px a width check) per step."""

    def __init__(self, page, name, *, width=None):
        self.page, self.name, self.width = page, name, width
        self.task, self.clicks, self.pages, self.shots = "", 0, 0, 0
        page.on("framenavigated", self._navigated)

    def _navigated(self, frame):
        if frame == self.page.main_frame:
            self.pages += 1

    def start(self, task):
        self.task, self.clicks, self.pages = task, 0, 0

    def done(self):
        print(f"\n{self.task}: {self.clicks} clics, {self.pages} pages")
        return self.clicks, self.pages

    def click(self, locator):
        self.clicks += 1
        locator.click()
        self.page.wait_for_load_state()

    def choose(self, locator, value=None, **by):
        self.clicks += 1
        locator.select_option(value, **by)

    def check(self, locator):
        self.clicks += 1
        locator.check()

    def attach(self, locator, files):
        self.clicks += 1
        locator.set_input_files(files)

    def home(self):
        """Back to the home page by the site's name at the top (the one way on a phone, where the menu is folded)."""
        self.click(self.page.get_by_role("banner").get_by_role("link").first)

    def step(self, name):
        self.shots += 1
        self.page.wait_for_load_state()
        screenshot(self.page, f"parcours-{self.name}-{self.shots:02d}-{name}")
        if self.width:
            width = self.page.evaluate("document.documentElement.scrollWidth")
            assert width <= self.width, f"{self.page.url} is {width} px wide on a {self.width} px screen"


def new_page(browser, live_server, viewport):
    context = browser.new_context(
        base_url=live_server.url,
        locale="fr-FR",
        viewport=viewport,
        is_mobile=viewport is PHONE,
        has_touch=viewport is PHONE,
    )
    return context.new_page()


def signed_in(browser, live_server, email, password=DEMO_PASSWORD, viewport=DESKTOP):
    page = new_page(browser, live_server, viewport)
    browser_login(page, email, password)
    page.wait_for_url(lambda url: "/connexion/" not in url and "double-authentification" not in url)
    return page


# Association -----------------------------------------------------------------------------------------


@pytest.fixture
def open_call():
    call = CallFactory(
        programme=ProgrammeFactory(code="PRA", name="PRA/OSIM"),
        title="Appel à projets PRA/OSIM 2026",
        required_documents=["statutes", "registration_receipt"],
        tranche_split=[70, 30],
    )
    CriterionFactory(call=call, label="Pertinence et ancrage local")
    return call


def test_association_registers_applies_and_follows_its_grant_on_a_phone(browser, live_server, open_call):
    page = new_page(browser, live_server, PHONE)
    trip = Journey(page, "association", width=PHONE["width"])
    staff = UserFactory(role=Role.STAFF, email="instruction@example.org")

    # 1. Registration, from the public home page.
    trip.start("Inscription d'une association")
    page.goto("/")
    trip.step("accueil-public")
    trip.click(page.get_by_role("link", name="Inscrire mon association").first)
    trip.step("inscription")
    page.fill("[name=org-name]", "Association Kassoumaï pour le développement")
    page.fill("[name=org-acronym]", "AKD")
    page.fill("[name=org-rna]", "W352000205")
    page.fill("[name=org-postcode]", "35200")
    page.fill("[name=org-city]", "Rennes")
    trip.choose(page.locator("[name=org-region]"), "BRE")
    page.get_by_role("searchbox", name="Pays d'origine de la diaspora").fill("séné")
    trip.click(page.get_by_role("checkbox", name="Sénégal").first)
    page.get_by_role("searchbox", name="Pays d'intervention").fill("séné")
    trip.click(page.get_by_role("checkbox", name="Sénégal").last)
    page.fill("[name=account-first_name]", "Awa")
    page.fill("[name=account-last_name]", "Diatta")
    page.fill("[name=account-account_email]", "awa@example.org")
    page.fill("[name=account-password]", ASSOCIATION_PASSWORD)
    page.fill("[name=account-password_again]", ASSOCIATION_PASSWORD)
    trip.attach(page.locator("[name=docs-statutes]"), pdf_file("statuts.pdf"))
    trip.attach(page.locator("[name=docs-receipt]"), pdf_file("recepisse.pdf"))
    trip.check(page.locator("[name=docs-board_declaration]"))
    trip.step("inscription-remplie")
    trip.click(page.get_by_role("button", name="Envoyer l'inscription"))
    page.wait_for_url("**/reseau/mon-association/")
    trip.step("inscrite")
    trip.done()

    # FORIM validates the registration (its own journey is the staff test): by the service, between the halves.
    organisation = Organisation.objects.get(rna="W352000205")
    members_services.validate_organisation(organisation=organisation, by=staff)

    # 2. The application, from the home page, until it is filed.
    trip.start("Demande de subvention")
    trip.home()
    trip.step("accueil")
    trip.click(page.get_by_role("link", name="Appel à projets PRA/OSIM 2026"))  # the call's conditions, then start
    trip.step("appel")
    trip.click(page.get_by_role("button", name="Commencer une demande").first)
    page.wait_for_url("**/etape/project/")
    trip.step("projet")
    page.get_by_label("Titre du projet").fill("Périmètre maraîcher de Ziguinchor")
    trip.choose(page.get_by_label("Pays du projet"), "SN")
    trip.choose(page.get_by_label("Secteur"), "rural")
    page.get_by_label("Durée (mois)").fill("12")
    page.get_by_label("Objectifs").fill("Nourrir 300 familles toute l'année.")
    trip.click(page.get_by_role("button", name="Étape suivante"))
    page.wait_for_url("**/etape/budget/")
    trip.step("budget")
    trip.choose(page.get_by_label("Catégorie").first, "investment")
    page.get_by_label("Libellé").first.fill("Clôture, puits et semences")
    page.get_by_label("Coût unitaire (€)").first.fill("18000")
    loaded = trip.pages
    trip.click(page.get_by_role("button", name="+ Ajouter une ligne"))
    assert trip.pages == loaded  # no reload: the empty row is copied in the page, and has the focus
    assert page.evaluate("document.activeElement.name") == "lines-1-category"
    trip.choose(page.get_by_label("Catégorie").last, "in_kind")
    page.get_by_label("Libellé").last.fill("Main-d'œuvre des habitants")
    page.get_by_label("Coût unitaire (€)").last.fill("2000")
    page.get_by_label("Montant demandé au FORIM (€)").fill("14000")
    page.get_by_label("Fonds propres (€)").fill("4000")
    page.wait_for_function("() => document.querySelector('#budget-totals').innerText.includes('Budget équilibré')")
    assert "2 000,00" in page.locator("#in-kind-total").inner_text().replace("\u202f", " ").replace("\xa0", " ")
    trip.step("budget-equilibre")
    trip.click(page.get_by_role("button", name="Étape suivante"))
    page.wait_for_url("**/etape/documents/")
    trip.step("pieces")
    trip.click(page.get_by_role("link", name="Étape suivante"))
    trip.step("operateur")
    trip.click(page.get_by_role("button", name="Étape suivante"))
    page.wait_for_url("**/etape/review/")
    trip.step("verification")
    page.once("dialog", lambda dialog: dialog.accept())
    trip.click(page.get_by_role("button", name="Déposer le dossier"))
    application = Application.objects.get(title="Périmètre maraîcher de Ziguinchor")
    page.wait_for_url(f"**/dossiers/{application.pk}/")
    trip.step("depose")
    application.refresh_from_db()
    assert application.status == State.SUBMITTED
    assert application.in_kind == Decimal("2000.00") and application.funding_total == Decimal("20000.00")
    clicks, _pages = trip.done()
    assert clicks <= 25, f"the application takes {clicks} clicks: aim for half of 49"

    # FORIM instructs and the committee awards (the staff test clicks through these): by the services.
    for name in ("declare_admissible", "start_review", "send_to_committee"):
        workflow.fire(application, name, by=staff)
    from reviews.models import CommitteeSession
    from reviews.services import record_decision

    session = CommitteeSession.objects.create(
        call=open_call, date=timezone.localdate(), place="Paris", created_by=staff
    )
    record_decision(
        session=session, application=application, by=staff, outcome="award", amount=Decimal("14000.00"), reason=""
    )
    request_document(kind="agreement", target=application, user=staff)
    awards_services.mark_agreement_sent(application=application, by=staff)

    # 3. The association downloads its agreement and returns it signed.
    trip.start("Convention : télécharger et renvoyer signée")
    trip.home()
    trip.step("accueil-laureat")
    trip.click(page.get_by_role("link", name="Périmètre maraîcher de Ziguinchor").first)
    trip.step("dossier-laureat")
    with page.expect_download() as agreement:
        trip.click(page.get_by_role("link", name="Télécharger convention-").first)
    assert agreement.value.suggested_filename.endswith(".pdf")
    returned = page.locator("form").filter(has=page.get_by_role("button", name="Renvoyer la convention signée"))
    trip.attach(returned.locator("input[type=file]"), pdf_file("convention-signee.pdf"))
    trip.click(returned.get_by_role("button", name="Renvoyer la convention signée"))
    trip.step("convention-renvoyee")
    application.agreement.refresh_from_db()
    assert application.agreement.signed_file
    trip.done()

    # FORIM records the signed agreement, pays the first tranche and makes the diploma: by the services.
    application.refresh_from_db()
    awards_services.record_signed_agreement(application=application, signed_file=None, by=staff)
    awards_services.record_payment(
        tranche=application.tranches.get(number=1),
        paid_on=timezone.localdate(),
        amount="9800.00",
        reference="VIR-2026-0001",
        by=staff,
    )
    request_document(kind="diploma", target=application, user=staff)

    # 4. Payments, the report due and the diploma, from the home page.
    trip.start("Suivi : versements, rapport, diplôme")
    trip.home()
    trip.click(page.get_by_role("link", name="Périmètre maraîcher de Ziguinchor").first)
    trip.step("suivi")
    payments = page.locator("#versements + ul").inner_text().replace("\u202f", " ").replace("\xa0", " ")
    assert "9 800,00" in payments and "Versée" in payments  # the first tranche (70 % of 14 000 €), paid
    trip.click(page.get_by_role("link", name="Rédiger le rapport").first)
    trip.step("rapport")
    page.get_by_label("Rapport narratif").fill("Le puits est creusé, la clôture posée.")
    trip.click(page.get_by_role("button", name="Enregistrer le brouillon"))
    trip.step("rapport-enregistre")
    trip.home()
    trip.click(page.get_by_role("link", name="Périmètre maraîcher de Ziguinchor").first)
    with page.expect_download() as diploma:
        trip.click(page.get_by_role("link", name="Télécharger diplome-").first)
    assert diploma.value.suggested_filename.endswith(".pdf")
    trip.step("diplome")
    trip.done()
    page.context.close()


# Staff -----------------------------------------------------------------------------------------------


@pytest.fixture
def demo():
    call_command("load_demo")


def test_staff_take_a_dossier_from_the_home_counts_to_its_first_payment(browser, live_server, demo):
    page = signed_in(browser, live_server, "instruction@example.org")
    trip = Journey(page, "equipe")
    application = Application.objects.get(reference="PRA-2026-0001")
    reviewer = User.objects.get(email="evaluatrice@example.org")

    trip.start("Équipe : du compteur de l'accueil à la mise en évaluation")
    trip.step("accueil")
    trip.click(page.get_by_role("link", name="Déposé", exact=True))
    trip.step("liste-deposes")
    trip.click(page.get_by_role("link", name=application.reference))
    trip.step("dossier")
    checks = page.locator("form").filter(has=page.get_by_role("button", name="Enregistrer les vérifications"))
    for box in checks.get_by_role("checkbox").all():
        trip.check(box)
    trip.click(checks.get_by_role("button", name="Enregistrer les vérifications"))
    outcome = page.locator("form").filter(has=page.get_by_role("button", name="Enregistrer l'issue"))
    trip.check(outcome.get_by_label("Recevable", exact=True))
    trip.click(outcome.get_by_role("button", name="Enregistrer l'issue"))
    trip.step("recevable")
    trip.click(page.get_by_role("button", name="Mettre en évaluation"))
    trip.choose(page.get_by_label("Ajouter un évaluateur"), label=str(reviewer))
    trip.click(page.get_by_role("button", name="Attribuer"))
    trip.step("evaluateur-attribue")
    application.refresh_from_db()
    assert application.status == State.UNDER_REVIEW
    assert application.review_assignments.filter(reviewer=reviewer).exists()
    trip.done()

    # The reviewer's own clicks are the reviewer test: its review is sent by the service here.
    from reviews.services import save_review

    assignment = application.review_assignments.get(reviewer=reviewer)
    scores = {criterion.pk: (4, "") for criterion in application.call.criteria.all()}
    save_review(
        assignment=assignment, by=reviewer, scores=scores, recommendation="fund", comment="Solide.", submit=True
    )

    trip.start("Équipe : comité, décision, convention, versement")
    trip.click(page.get_by_role("link", name="Comités", exact=True))
    trip.step("comites")
    trip.click(page.get_by_role("link", name="CEP Appel à projets PRA/OSIM 2026").first)
    trip.step("seance")
    trip.check(page.locator(f"#candidates input[value='{application.pk}']"))
    trip.click(page.get_by_role("button", name="Inscrire les dossiers cochés"))
    trip.step("dossiers-inscrits")
    decision = page.locator(f"#a{application.pk}")
    decision.get_by_label("Montant attribué (€)").fill("12000")  # an award needs no reason
    trip.click(decision.get_by_role("button", name="Enregistrer la décision"))
    trip.step("decision")
    application.refresh_from_db()
    assert application.status == State.AWARDED and application.awarded_amount == Decimal("12000.00")
    trip.click(page.get_by_role("link", name="Suivi des projets"))
    trip.click(page.get_by_role("link", name=application.title).first)
    trip.step("suivi")
    trip.click(page.get_by_role("button", name="Générer : Convention"))
    page.get_by_role("link", name="Télécharger convention-").wait_for(timeout=60000)
    trip.attach(page.get_by_label("Convention signée (PDF)"), pdf_file("convention-signee.pdf"))
    trip.click(page.get_by_role("button", name="Enregistrer la convention signée"))
    trip.step("convention-signee")
    first = page.locator(".tranche").first
    trip.click(first.get_by_text("Enregistrer un virement"))
    first.get_by_label("Date du virement").fill(timezone.localdate().isoformat())
    first.get_by_label("Référence du virement").fill("VIR-FORIM-2026-0200")
    trip.click(first.get_by_role("button", name="Enregistrer", exact=True))
    trip.step("versement")
    application.refresh_from_db()
    assert application.status == State.IN_PROGRESS
    assert application.tranches.get(number=1).payments.exists()
    trip.done()
    page.context.close()


# Reviewer --------------------------------------------------------------------------------------------


def test_reviewer_sees_the_conflict_box_first_then_scores_and_sends(browser, live_server, demo):
    # FORIM puts the demo's filed PRA-2026-0001 under review and asks Jean Dupont (the staff test clicks this)
    from reviews.services import assign_reviewer

    staff = User.objects.get(email="instruction@example.org")
    application = Application.objects.get(reference="PRA-2026-0001")
    for name in ("declare_admissible", "start_review"):
        workflow.fire(application, name, by=staff)
    assign_reviewer(application=application, reviewer=User.objects.get(email="evaluateur@example.org"), by=staff)
    page = signed_in(browser, live_server, "evaluateur@example.org")
    trip = Journey(page, "evaluateur")
    trip.start("Évaluateur : noter et envoyer une évaluation")
    trip.step("accueil")
    trip.click(page.get_by_role("link", name="Mes évaluations").first)
    trip.step("mes-evaluations")
    trip.click(page.get_by_role("link", name="PRA-2026-0001").first)
    trip.step("dossier")
    conflict = page.get_by_role("heading", name="Avant de commencer : conflit d'intérêts")
    grid = page.get_by_role("heading", name="Grille d'évaluation")
    assert conflict.bounding_box()["y"] < grid.bounding_box()["y"]
    for select in page.locator("select[name^=score_]").all():
        trip.choose(select, "4")
    trip.choose(page.get_by_label("Recommandation"), "fund")
    page.get_by_label("Appréciation générale").fill("Projet solide, bien ancré localement.")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    trip.click(page.get_by_role("button", name="Envoyer mon évaluation"))
    assert asked and "ne pourra plus être modifiée" in asked[0]
    assert page.get_by_text("Évaluation envoyée").first.is_visible()
    trip.step("envoyee")
    trip.done()
    page.context.close()


# Operator --------------------------------------------------------------------------------------------


def test_operator_gives_its_visa_and_logs_a_support_session(browser, live_server, demo):
    page = signed_in(browser, live_server, "operateur@example.org")
    trip = Journey(page, "operateur")
    trip.start("Opérateur : viser un brouillon")
    trip.step("accueil")
    trip.click(page.get_by_role("link", name="Tous les brouillons"))
    trip.step("brouillons")
    trip.click(page.get_by_role("link", name="Lire et donner mon avis").first)
    trip.step("brouillon")
    trip.check(page.get_by_label("Visa accordé"))
    page.get_by_label("Commentaire pour l'association").fill("Budget réaliste, partenaire engagé.")
    trip.click(page.get_by_role("button", name="Transmettre mon avis"))
    assert page.get_by_text("Votre avis est transmis").first.is_visible()
    trip.step("visa-donne")
    trip.done()

    trip.start("Opérateur : noter un suivi de 2,5 h puis le corriger")
    trip.home()
    trip.click(page.get_by_role("link", name="AMF").first)
    trip.step("association")
    form = page.locator("form").filter(has=page.get_by_role("button", name="Enregistrer le suivi"))
    form.get_by_label("Durée (heures)").fill("2,5")
    form.get_by_label("Ce qui a été fait").fill("Relecture du budget avec le trésorier.")
    trip.click(form.get_by_role("button", name="Enregistrer le suivi"))
    log = SupportLog.objects.get(notes="Relecture du budget avec le trésorier.")
    assert log.hours == Decimal("2.50")
    trip.step("suivi-note")
    trip.click(page.get_by_role("link", name="Modifier le suivi").first)
    trip.step("suivi-modifier")
    page.get_by_label("Durée (heures)").fill("3,25")
    trip.click(page.get_by_role("button", name="Enregistrer").first)
    log.refresh_from_db()
    assert log.hours == Decimal("3.25")
    trip.step("suivi-modifie")
    trip.done()
    page.context.close()


# Partner and coordinator -----------------------------------------------------------------------------


def test_partner_downloads_the_report_of_its_cofinanced_projects(browser, live_server, demo):
    page = signed_in(browser, live_server, "partenaire@example.org")
    trip = Journey(page, "partenaire")
    trip.start("Partenaire : télécharger le rapport des projets cofinancés")
    trip.step("accueil")
    trip.click(page.get_by_role("link", name="Tous les projets et les rapports"))
    trip.step("projets-cofinances")
    trip.click(page.get_by_role("button", name="Générer : Rapport PDF"))
    link = page.get_by_role("link", name="Télécharger cofinancement-")
    link.first.wait_for(timeout=60000)
    with page.expect_download() as report:
        trip.click(link.first)
    assert report.value.suggested_filename.endswith(".pdf")
    trip.step("rapport")
    trip.done()
    page.context.close()


def test_coordinator_reaches_its_network_agenda_and_attendance(browser, live_server, demo):
    page = signed_in(browser, live_server, "coordination@example.org")
    trip = Journey(page, "coordination")
    trip.start("Coordination : réseau, agenda, fréquentation")
    trip.step("accueil")
    trip.click(page.get_by_role("navigation").get_by_role("link", name="Réseau", exact=True))
    trip.step("reseau")
    trip.click(page.get_by_role("navigation").get_by_role("link", name="Agenda", exact=True))
    trip.step("agenda")
    with page.expect_response(lambda response: "/evenements/frequentation/" in response.url) as answer:
        trip.click(page.get_by_role("link", name="Fréquentation"))
    assert answer.value.status == 200
    assert page.get_by_role("heading", level=1).first.is_visible()
    trip.step("frequentation")
    trip.done()
    page.context.close()
