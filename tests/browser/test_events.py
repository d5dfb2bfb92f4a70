"""Events and accompaniment in a real browser: the public agenda, registering on a phone, check-in on the day
from a phone, the ceremony's figures, the operator's page on a phone and FORIM's activity view."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Role
from events import services as event_services
from events.models import Audience, EventKind, Registration
from grants.states import State
from members.models import MemberRole, OrganisationKind
from support import services as support_services
from support.models import AccompanimentAgreement
from tests.events.factories import EventFactory, ForimFactory, RegistrationFactory
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
def network(db):
    forim = ForimFactory()
    staff = UserFactory(role=Role.STAFF, first_name="Mariam", email="instruction@example.org")
    md = OrganisationFactory(kind=OrganisationKind.OPERATOR, name="Migrations & Développement", acronym="M&D", city="Marseille", region="PAC")
    operator = MembershipFactory(organisation=md, user__role=Role.OPERATOR, user__email="operateur@example.org",
                                 user__first_name="Hassan").user
    amf = OrganisationFactory(name="Association des Marocains en France", acronym="AMF", operator=md)
    pafha = OrganisationFactory(name="Plateforme des associations franco-haïtiennes", acronym="PAFHA")
    treasurer = MembershipFactory(organisation=amf, role=MemberRole.ADMIN, user__email="association@example.org",
                                  user__first_name="Karim", user__last_name="Benali").user
    jim = EventFactory(organiser=forim, kind=EventKind.JIM, title="Journée internationale des migrant·e·s",
                       starts_at=timezone.now() + datetime.timedelta(days=25),
                       place="Hôtel de Ville de Paris", capacity=250,
                       description="Tables rondes sur les diasporas et le développement, témoignages d'associations lauréates.")
    workshop = EventFactory(organiser=md, kind=EventKind.WORKSHOP, title="Atelier d'écriture de projet PRA/OSIM",
                            place="Maison des associations, 93 La Canebière", city="Marseille", region="PAC", capacity=2,
                            audience=Audience.MEMBERS)
    for name in ("Aïcha Mbarga", "Moussa Traoré"):
        RegistrationFactory(event=workshop, name=name, organisation=pafha)
    names = ["Awa Sy", "Amadou Diallo", "Fatou Ndiaye", "Jean-Baptiste Pierre", "Leïla Amrani", "Nadia Haddad"]
    for name in names:
        RegistrationFactory(event=jim, name=name, organisation=pafha if "a" in name[:2].lower() else amf)
    call = CallFactory(title="Appel à projets PRA/OSIM 2026")
    ceremony = EventFactory(organiser=forim, kind=EventKind.CEREMONY, call=call, title="Cérémonie des lauréats PRA/OSIM 2026",
                            audience=Audience.INVITED, capacity=250, place="Palais de la Porte Dorée")
    ApplicationFactory(call=call, organisation=amf, status=State.AWARDED, title="Adduction d'eau potable à Tafraout")
    ApplicationFactory(call=call, organisation=pafha, status=State.AWARDED, title="Centre de santé communautaire à Jacmel")
    ApplicationFactory(call=call, status=State.AWARDED, title="Maraîchage solidaire à Podor")
    event_services.invite_laureates(event=ceremony, by=staff)
    AccompanimentAgreement.objects.create(operator=md, association=pafha, signed_on=datetime.date(2026, 10, 1))
    today = timezone.localdate()
    support_services.add_log(by=operator, operator=md, association=amf, date=today - datetime.timedelta(days=20), kind="workshop",
                             hours=Decimal("6"), notes="Cadre logique et budget.", next_step="Relire le dossier avant le visa",
                             next_step_on=today - datetime.timedelta(days=2))
    support_services.add_log(by=operator, operator=md, association=pafha, date=today - datetime.timedelta(days=5), kind="training",
                             hours=Decimal("4"), notes="Gestion financière.", next_step="Visite de terrain (visio)")
    return {"staff": staff, "operator": operator, "treasurer": treasurer, "jim": jim, "workshop": workshop, "ceremony": ceremony}


def test_public_agenda_and_event(page, network):
    page.goto("/evenements/")
    assert page.get_by_role("link", name=network["jim"].title).is_visible()
    assert page.get_by_text("Atelier d'écriture").count() == 0  # members only
    screenshot(page, "events-agenda-public")
    page.get_by_role("link", name=network["jim"].title).click()
    page.get_by_role("link", name="Se connecter pour s'inscrire").wait_for()
    screenshot(page, "events-detail-public")


def test_association_registers_on_a_phone_and_joins_the_waiting_list(phone_page, network):
    page = phone_page
    browser_login(page, "association@example.org", PASSWORD)
    page.goto("/evenements/")
    page.get_by_role("link", name="Atelier d'écriture de projet PRA/OSIM").wait_for()
    screenshot(page, "events-agenda-phone")
    page.goto(f"/evenements/{network['workshop'].pk}/")
    page.get_by_label("au nom de mon association").check()
    page.get_by_role("button", name="S'inscrire").click()
    page.get_by_text("liste d'attente", exact=False).first.wait_for()
    assert Registration.objects.get(email="association@example.org").status == "waiting"
    screenshot(page, "events-register-waiting-phone")
    page.get_by_role("button", name="S'inscrire").click()
    page.get_by_text("est déjà inscrit").wait_for()
    screenshot(page, "events-register-twice-phone")


def test_check_in_on_the_day_from_a_phone(phone_page, network):
    page = phone_page
    browser_login(page, "instruction@example.org", PASSWORD)
    page.goto(f"/evenements/{network['jim'].pk}/pointage/")
    page.get_by_label("Chercher un nom").fill("awa")
    page.locator("#checkin-results li").first.wait_for()
    page.wait_for_function("document.querySelectorAll('#checkin-results li').length === 1")
    page.get_by_role("button", name="Pointer").click()
    page.get_by_role("button", name="✓ Présent").wait_for()
    page.locator("#checkin-count").get_by_text("Présents : 1 sur 6 inscrits").wait_for()
    assert Registration.objects.get(name="Awa Sy").checked_in_at is not None
    box = page.get_by_role("button", name="✓ Présent").bounding_box()
    assert box["height"] >= 44  # a finger, not a mouse
    screenshot(page, "events-checkin-phone")


def test_ceremony_marking_and_figures(page, network):
    browser_login(page, "instruction@example.org", PASSWORD)
    page.goto(f"/evenements/{network['ceremony'].pk}/ceremonie/")
    rows = page.locator("tbody tr")
    assert rows.count() == 3
    first = rows.nth(0)
    first.locator("select").select_option("represented")
    first.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("Indiquez qui représente").wait_for()
    page.locator("tbody tr").nth(0).get_by_placeholder("Représenté par").fill("Moussa Traoré, trésorier")
    page.locator("tbody tr").nth(0).get_by_label("Diplôme remis").check()
    page.locator("tbody tr").nth(0).get_by_role("button", name="Enregistrer").click()
    page.locator("#ceremony-figures").get_by_text("Lauréats présents ou représentés : 1 sur 3").wait_for()
    assert page.get_by_text("présents ou représentés").count() == 1
    screenshot(page, "events-ceremony")
    page.goto(f"/evenements/{network['jim'].pk}/inscrits/")
    screenshot(page, "events-registrations")
    page.goto("/evenements/frequentation/")
    screenshot(page, "events-attendance")


def test_operator_page_on_a_phone_and_staff_activity(phone_page, page, network):
    browser_login(phone_page, "operateur@example.org", PASSWORD)
    phone_page.goto("/accompagnement/")
    phone_page.get_by_text("Prochaine étape dépassée").wait_for()
    screenshot(phone_page, "support-operator-home-phone")
    phone_page.get_by_role("link", name="Association des Marocains en France").click()
    phone_page.get_by_label("durée (heures)").fill("1.5")
    phone_page.get_by_label("date").first.fill(timezone.localdate().isoformat())
    phone_page.get_by_role("button", name="Enregistrer le suivi").click()
    phone_page.get_by_text("Suivi enregistré.").wait_for()
    screenshot(phone_page, "support-association-phone")
    browser_login(page, "instruction@example.org", PASSWORD)
    page.goto("/accompagnement/activite/")
    page.locator("table").first.get_by_text("Migrations & Développement").wait_for()
    screenshot(page, "support-staff-activity")


def test_staff_creates_an_event_and_a_wrong_end_is_explained(page, network):
    browser_login(page, "instruction@example.org", PASSWORD)
    page.goto("/evenements/nouveau/")
    page.get_by_label("Type").select_option("webinar")
    page.get_by_label("Intitulé").fill("Webinaire : monter son budget PRA/OSIM")
    page.get_by_label("Organisateur").select_option(label="Forum des Organisations de Solidarité Internationale issues des Migrations (FORIM)")
    page.locator("#id_starts_at").fill("2027-01-20T18:00")
    page.locator("#id_ends_at").fill("2027-01-20T17:00")
    page.get_by_label("Lien de connexion").fill("https://visio.example.org/budget")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("La fin doit être après le début de l'événement.").wait_for()
    assert page.get_by_label("Intitulé").input_value() == "Webinaire : monter son budget PRA/OSIM"
    screenshot(page, "events-form-error")
    page.locator("#id_ends_at").fill("2027-01-20T19:30")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("Événement enregistré.").wait_for()
    screenshot(page, "events-created")
