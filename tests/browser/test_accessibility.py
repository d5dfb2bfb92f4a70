"""axe-core on the pages people use most, and forms driven with the keyboard alone."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Role
from grants.states import State
from tests.factories import PASSWORD, ApplicationFactory, CallFactory, MembershipFactory, UserFactory

from .a11y import assert_accessible, assert_keyboard_reachable
from .conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def keyboard_login(page, email, password):
    """Tab from the top of the page to the e-mail field, type, Tab, type, Enter: no mouse."""
    page.goto("/connexion/")
    email_field = page.get_by_label("Adresse e-mail")
    for _ in range(30):
        page.keyboard.press("Tab")
        if email_field.evaluate("el => el === document.activeElement"):
            break
    assert email_field.evaluate("el => el === document.activeElement"), "le champ e-mail n'est pas atteignable au clavier"
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    assert page.get_by_label("Mot de passe").evaluate("el => el === document.activeElement")
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/connexion/" not in url)


def test_login_page_is_accessible_and_works_with_the_keyboard(page):
    user = MembershipFactory(user__email="clavier@example.org", user__first_name="Fatou").user
    page.goto("/connexion/")
    assert_accessible(page, "connexion")
    keyboard_login(page, user.email, PASSWORD)
    assert page.get_by_role("heading", name="Bonjour Fatou").is_visible()
    assert_accessible(page, "accueil association")


def test_the_application_form_is_filled_with_the_keyboard(page):
    call = CallFactory(title="Appel PRA/OSIM 2026")
    user = MembershipFactory(user__email="clavier@example.org").user
    keyboard_login(page, user.email, PASSWORD)
    page.goto("/subventions/appels/")
    assert_accessible(page, "appels ouverts")
    start = page.get_by_role("button", name="Commencer une demande")
    start.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/etape/project/")
    assert_accessible(page, "étape projet")
    title = page.get_by_label("Titre du projet")
    title.focus()
    with page.expect_response(lambda response: "/autosave/" in response.url):
        page.keyboard.type("Maraîchage à Podor")
    page.keyboard.press("Tab")
    assert not title.evaluate("el => el === document.activeElement")
    screenshot(page, "a11y-keyboard-project-step")
    assert call.applications.get().title == "Maraîchage à Podor"


@pytest.mark.parametrize(
    ("role", "paths"),
    [
        (Role.STAFF, ["/instruction/dossiers/", "/instruction/comites/", "/evenements/", "/reseau/"]),
        (Role.REVIEWER, ["/instruction/evaluateur/"]),
    ],
)
def test_staff_and_reviewer_pages_have_no_serious_violation(page, role, paths):
    call = CallFactory(opens_at=timezone.now() - datetime.timedelta(days=60), deadline=timezone.now() - datetime.timedelta(days=1))
    ApplicationFactory(call=call, status=State.SUBMITTED, reference="PRA-2026-0001", title="Case de santé à Tiznit")
    user = UserFactory(role=role, email="role@example.org")
    keyboard_login(page, user.email, PASSWORD)
    for path in paths:
        page.goto(path)
        assert_accessible(page, path)


def test_public_pages_have_no_serious_violation(page):
    for path in ["/tableaux/laureats/", "/evenements/", "/reseau/inscription/", "/mot-de-passe/oubli/"]:
        page.goto(path)
        assert_accessible(page, path)


def test_the_keyboard_check_finds_a_control_tab_cannot_reach(page):
    """The check used on every journey page is not vacuous: a control out of the Tab order fails it."""
    page.set_content("""<main><form><label for="a">Nom</label><input id="a" name="a">
        <label for="b">Ville</label><input id="b" name="b" tabindex="-1">
        <fieldset><legend>Choix</legend><label><input type="radio" name="c" value="1"> Un</label><label><input type="radio" name="c" value="2"> Deux</label></fieldset>
        <details><summary>Plus</summary><label for="d">Caché</label><input id="d" name="d" tabindex="-1"></details>
        <button type="submit">Envoyer</button></form></main>""")
    with pytest.raises(AssertionError, match=r"input\[name=b\] Ville") as failure:
        assert_keyboard_reachable(page, "exemple")
    assert "name=c" not in str(failure.value).split(";")[0] and "name=d" not in str(failure.value).split(";")[0]
