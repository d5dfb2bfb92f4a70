"""A Mésoprojets call in two stages, as people do it: the association writes and submits its statement of
intent, FORIM staff pre-select it with a click, the association starts the full dossier (pre-filled from
its statement) and submits it."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Role
from grants.models import Application
from grants.states import State
from intents.models import IntentStatus, StatementOfIntent
from members.models import MemberRole
from tests.factories import PASSWORD, CallFactory, MembershipFactory, OrganisationFactory, ProgrammeFactory, UserFactory

from .conftest import browser_login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Centre de santé maternelle à Kayes"


@pytest.fixture
def setting():
    now = timezone.now()
    call = CallFactory(
        programme=ProgrammeFactory(code="MESO", name="Mésoprojets"),
        title="Mésoprojets 2026",
        year=2026,
        opens_at=now - datetime.timedelta(days=10),
        intent_deadline=now + datetime.timedelta(days=10),
        deadline=now + datetime.timedelta(days=90),
        max_grant=Decimal("100000.00"),
        max_grant_share=Decimal("70.00"),
        min_total_budget=Decimal("120000.00"),
        max_total_budget=Decimal("300000.00"),
        min_association_age_months=24,
    )
    amf = OrganisationFactory(name="Association des Marocains en France", acronym="AMF")
    MembershipFactory(
        organisation=amf, role=MemberRole.ADMIN, user__first_name="Karim", user__email="tresorier@example.org"
    )
    UserFactory(role=Role.STAFF, email="instruction@example.org")
    return {"call": call, "amf": amf}


def sign_in(page, email):
    page.context.clear_cookies()
    browser_login(page, email, PASSWORD)
    page.wait_for_url("**/")


def test_statement_preselection_and_prefilled_full_dossier(page, setting):
    call = setting["call"]
    sign_in(page, "tresorier@example.org")
    page.goto("/subventions/appels/")
    assert (
        page.get_by_text("1. Manifestation d'intérêt").is_visible()
        and page.get_by_text("2. Dossier complet").is_visible()
    )
    assert page.get_by_role("button", name="Commencer une demande").count() == 0
    screenshot(page, "meso-01-call-two-stages")
    page.get_by_role("button", name="Manifester mon intérêt").click()
    page.wait_for_url("**/modifier/")
    page.get_by_label("Intitulé du projet").fill(TITLE)
    page.get_by_label("Pays du projet").select_option("SN")
    page.get_by_label("Secteur").select_option("health")
    page.get_by_label("Résumé du projet").fill("Construire et équiper un centre de santé pour 8 000 femmes et enfants.")
    page.get_by_label("Budget total estimé (€)").fill("200 000")
    page.get_by_label("Subvention demandée estimée (€)").fill("150 000")
    page.get_by_role("button", name="Enregistrer").click()
    statement = StatementOfIntent.objects.get(organisation=setting["amf"])
    page.wait_for_url(f"**/manifestations/{statement.pk}/")
    page.get_by_role("button", name="Déposer la manifestation d'intérêt").click()
    page.get_by_text("dépasse le plafond de l'appel").first.wait_for()  # the call's own limit, in French
    screenshot(page, "meso-02-statement-over-the-ceiling")
    page.get_by_role("link", name="Modifier").click()
    page.get_by_label("Subvention demandée estimée (€)").fill("100 000")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(f"**/manifestations/{statement.pk}/")
    page.get_by_role("button", name="Déposer la manifestation d'intérêt").click()
    page.get_by_text("Manifestation d'intérêt déposée").wait_for()
    assert StatementOfIntent.objects.get(pk=statement.pk).status == IntentStatus.SUBMITTED
    screenshot(page, "meso-03-statement-submitted")

    sign_in(page, "instruction@example.org")
    page.goto(f"/manifestations/appels/{call.pk}/")
    screenshot(page, "meso-04-staff-list")
    page.get_by_role("button", name=f"Présélectionner « {TITLE} »").click()
    page.get_by_text("L'association est prévenue par e-mail").wait_for()
    statement.refresh_from_db()
    assert statement.status == IntentStatus.PRESELECTED and statement.decided_by.email == "instruction@example.org"

    sign_in(page, "tresorier@example.org")
    assert page.get_by_text("Mes manifestations d'intérêt").is_visible()
    page.get_by_role("link", name=f"Mésoprojets 2026 — {TITLE}").click()
    page.get_by_role("button", name="Commencer le dossier complet").click()
    page.wait_for_url("**/etape/project/")
    application = Application.objects.get(call=call, organisation=setting["amf"])
    assert page.get_by_label("Titre du projet").input_value() == TITLE  # pre-filled from the statement
    assert page.get_by_label("Pays du projet").input_value() == "SN"
    screenshot(page, "meso-05-full-dossier-prefilled")
    with page.expect_response(lambda response: "/autosave/" in response.url):
        page.get_by_label("Durée (mois)").fill("24")
    page.get_by_role("button", name="Étape suivante").click()
    page.wait_for_url("**/etape/budget/")
    assert page.get_by_label("Montant demandé au FORIM (€)").input_value().replace("\u202f", "").replace(" ", "") in (
        "100000,00",
        "100000.00",
    )
    page.get_by_label("Catégorie").first.select_option("investment")
    page.get_by_label("Libellé").first.fill("Construction et équipement du centre")
    page.get_by_label("Coût unitaire (€)").first.fill("200000")
    page.get_by_label("Fonds propres (€)").fill("100000")
    page.wait_for_function("() => document.querySelector('#budget-totals').innerText.includes('équilibré')")
    page.goto(f"/subventions/dossiers/{application.pk}/etape/review/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Déposer le dossier").click()
    page.wait_for_url(f"**/dossiers/{application.pk}/")
    application.refresh_from_db()
    assert application.status == State.SUBMITTED and application.reference == "MESO-2026-0001"
    assert application.context == "Construire et équiper un centre de santé pour 8 000 femmes et enfants."
    screenshot(page, "meso-06-full-dossier-submitted")
