"""Look at the dashboards, the public laureates page, API tokens on the profile, and the API docs."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Role
from grants.states import State
from members.models import MemberRole
from tests.factories import (
    PASSWORD,
    ApplicationFactory,
    CallFactory,
    MembershipFactory,
    OperatorFactory,
    OrganisationFactory,
    UserFactory,
)

from .conftest import browser_login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COUNTRIES = ["SN", "MA", "ML", "CM", "KM", "MG", "HT", "VN", "DZ", "TN", "CI", "BF", "SN", "MA", "SN"]
SECTORS = ["water", "health", "education", "economy", "rural", "social"]
STATES = [State.CLOSED, State.REJECTED, State.AWARDED, State.UNDER_REVIEW, State.IN_PROGRESS, State.REJECTED]


@pytest.fixture
def history():
    """Seven years of calls with dossiers across the programme's countries."""
    operator = OperatorFactory(name="Migrations & Développement")
    associations = [OrganisationFactory(region=region, operator=operator if n % 2 else None)
                    for n, region in enumerate(["IDF", "PAC", "ARA", "OCC", "BRE", "HDF"])]
    cycle = itertools.count()
    for year in range(2019, 2026):
        deadline = timezone.make_aware(datetime.datetime(year, 11, 18, 12))
        call = CallFactory(year=year, title=f"PRA/OSIM {year}", opens_at=deadline - datetime.timedelta(days=60), deadline=deadline)
        for _ in range(6 + year % 4):
            n = next(cycle)
            status = STATES[n % len(STATES)]
            funded = status in (State.CLOSED, State.AWARDED, State.IN_PROGRESS)
            ApplicationFactory(
                call=call, organisation=associations[n % len(associations)], country=COUNTRIES[n % len(COUNTRIES)],
                sector=SECTORS[n % len(SECTORS)], status=status, amount_requested=Decimal(8000 + 700 * (n % 10)),
                awarded_amount=Decimal(7000 + 600 * (n % 10)) if funded else None,
                score=Decimal(9 + n % 9) if status != State.UNDER_REVIEW else None, publish_consent=n % 3 != 0,
                title=f"Projet {n} : {['puits', 'dispensaire', 'école', 'coopérative'][n % 4]} solidaire", locality="Kayes",
            )
    return operator


def test_staff_reads_the_dashboard_on_desktop_and_phone(page, phone_page, history):
    staff = UserFactory(role=Role.STAFF, first_name="Mariam")
    for current, name in ((page, "desktop"), (phone_page, "phone")):
        browser_login(current, staff.email, PASSWORD)
        current.goto("/tableaux/programme/")
        assert current.get_by_role("heading", name="Tableau de bord du programme").is_visible()
        assert current.locator("figure svg[role=img]").count() >= 6
        assert current.get_by_role("img", name="Carte des projets lauréats", exact=False).is_visible()
        screenshot(current, f"dashboards-staff-{name}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_label("Appel à projets", exact=True).select_option(label="PRA/OSIM 2024")
    page.get_by_role("button", name="Afficher").click()
    assert "call=" in page.url
    screenshot(page, "dashboards-staff-one-call")
    with page.expect_download() as download:
        page.locator("#pays").get_by_role("link", name="Télécharger en CSV").click()
    assert download.value.suggested_filename.startswith("forim-pays-")


def test_operator_reads_its_own_figures(page, history):
    user = MembershipFactory(organisation=history, role=MemberRole.ADMIN, user__role=Role.OPERATOR).user
    browser_login(page, user.email, PASSWORD)
    page.goto("/tableaux/mes-chiffres/")
    assert page.get_by_text("les associations que vous accompagnez", exact=False).is_visible()
    screenshot(page, "dashboards-operator")


def test_public_laureates_page_filters_without_login(phone_page, history):
    phone_page.goto("/tableaux/laureats/")
    assert phone_page.get_by_role("heading", name="Les lauréats du FORIM").is_visible()
    screenshot(phone_page, "dashboards-laureates-phone")
    phone_page.get_by_label("Secteur").select_option("education")
    phone_page.get_by_role("button", name="Filtrer").click()
    assert "sector=education" in phone_page.url
    sectors = phone_page.locator("td[data-label=Secteur]").all_inner_texts()
    assert sectors and set(sectors) == {"Éducation (filles)"}
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone_page, "dashboards-laureates-filtered")


def test_user_creates_and_revokes_a_token_and_reads_the_docs(page, live_server):
    user = MembershipFactory(user__first_name="Aïssata").user
    browser_login(page, user.email, PASSWORD)
    page.goto("/profil/")
    page.get_by_label("Nom du jeton").fill("Tableur de la trésorerie")
    page.get_by_role("button", name="Créer le jeton").click()
    key = page.get_by_label("Clé du nouveau jeton").input_value()
    assert key.startswith("forim_")
    screenshot(page, "api-token-created")
    page.get_by_role("button", name="Révoquer le jeton Tableur de la trésorerie").click()
    assert page.get_by_text("Révoqué le", exact=False).is_visible()
    screenshot(page, "api-token-revoked")
    external = []
    page.on("request", lambda request: external.append(request.url))
    page.goto("/api/docs/")
    page.locator(".swagger-ui .info").wait_for()
    assert page.get_by_text("FORIM portal API").first.is_visible()
    screenshot(page, "api-docs")
    assert external and [url for url in external if not url.startswith((live_server.url, "data:"))] == []
