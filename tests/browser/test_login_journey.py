import pytest

from accounts.models import Role
from tests.factories import PASSWORD, MembershipFactory, UserFactory

from .conftest import browser_login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_association_logs_in_and_sees_its_home(page):
    user = MembershipFactory(user__email="tresoriere@example.org", user__first_name="Aïssata").user
    page.goto("/")  # the public home page: what FORIM funds, then a way in
    screenshot(page, "01-public-home")
    page.get_by_role("main").get_by_role("link", name="Se connecter").click()
    page.wait_for_url("**/connexion/")
    screenshot(page, "01-login")
    browser_login(page, user.email, "mauvais-mot-de-passe")
    assert page.get_by_text("Adresse e-mail ou mot de passe incorrect").is_visible()
    browser_login(page, user.email, PASSWORD)
    page.wait_for_url("**/")
    assert page.get_by_role("heading", name="Bonjour Aïssata").is_visible()
    assert page.get_by_text("Vous agissez pour").is_visible()
    screenshot(page, "02-applicant-home")
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url("**/connexion/")
    assert page.get_by_text("Vous êtes déconnecté").is_visible()


def test_staff_home_on_a_phone_opens_the_menu_with_the_keyboard(phone_page):
    staff = UserFactory(role=Role.STAFF, first_name="Mariam")
    browser_login(phone_page, staff.email, PASSWORD)
    phone_page.wait_for_url("**/")
    toggle = phone_page.get_by_role("button", name="Menu")
    toggle.focus()
    phone_page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    nav = phone_page.get_by_role("navigation", name="Navigation principale")
    assert nav.get_by_role("link", name="Accueil").is_visible()
    screenshot(phone_page, "03-staff-home-phone")
