"""The staff dossier page shows its lower sections (operator, evaluation, notes and messages, documents and
history) in a second request once shown (reviews.dossier_panels): an instructor works in them as before,
lands back where a form sends them, and is told when they cannot be fetched."""

import pytest
from playwright.sync_api import expect

from grants.states import State
from reviews.models import ReviewAssignment, StaffNote
from tests.factories import PASSWORD

from .conftest import browser_login, screenshot
from .test_reviews import instruction  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_instructor_works_in_the_lower_sections_and_lands_back_there(page, instruction):  # noqa: F811
    reviewing = instruction["assignment"].application
    browser_login(page, instruction["staff"].email, PASSWORD)
    page.wait_for_url("**/")
    page.goto("/instruction/dossiers/")
    page.get_by_role("link", name=reviewing.reference).click()
    # the sections arrive: the reviewer already asked, the history
    reviews = page.locator("#reviews")
    expect(reviews.get_by_text("Nadia").first).to_be_visible()
    expect(page.get_by_role("heading", name="Historique")).to_be_visible()
    assert page.locator("[data-panel]").count() == 0 and page.locator("[id^=dossier-lower]").count() == 0

    # a note: written, sent, the page comes back to it with the confirmation there
    page.get_by_label("Note interne").fill("Appeler le trésorier au sujet du devis.")
    page.get_by_role("button", name="Ajouter la note").click()
    page.wait_for_url("**#notes")
    notes = page.locator("#notes")
    expect(notes.get_by_text("Appeler le trésorier au sujet du devis.")).to_be_visible()
    expect(notes.get_by_text("Note ajoutée.")).to_be_visible()
    assert notes.evaluate(
        "el => { const r = el.getBoundingClientRect(); return r.top < window.innerHeight && r.bottom > 0; }"
    )
    assert StaffNote.objects.get(application=reviewing).body == "Appeler le trésorier au sujet du devis."
    screenshot(page, "dossier-lower-01-note")

    # a blank note: refused in French at its field, the sections written into the page with it
    page.get_by_label("Note interne").fill("   ")
    page.get_by_role("button", name="Ajouter la note").click()
    expect(page.locator("#notes").get_by_text("Ce champ est obligatoire.")).to_be_visible()
    expect(page.locator("#reviews").get_by_text("Nadia").first).to_be_visible()
    assert page.locator("[id^=dossier-lower]").count() == 0

    # the automatic choice of a reviewer: the page comes back to #reviews, in view, with the confirmation
    page.goto(f"/instruction/dossiers/{reviewing.pk}/")
    page.locator("#reviews").get_by_role("button", name="Attribuer").click()
    page.wait_for_url("**#reviews")
    landed = page.locator("#reviews")
    expect(landed.locator(".messages")).to_be_visible()
    assert landed.evaluate("el => { const r = el.getBoundingClientRect(); return r.top < window.innerHeight && r.bottom > 0; }")
    assert ReviewAssignment.objects.filter(application=reviewing).exists()

    # a message to the association from the thread stays on the dossier page
    page.get_by_label("Votre message").fill("Pouvez-vous joindre le devis signé ?")
    page.get_by_role("button", name="Envoyer").click()
    expect(page.locator("#fil").get_by_text("Pouvez-vous joindre le devis signé ?")).to_be_visible()
    assert page.url.endswith(f"/instruction/dossiers/{reviewing.pk}/#reviews")
    screenshot(page, "dossier-lower-02-reviews")


def test_sections_that_cannot_be_fetched_say_so_and_offer_their_page(page, instruction):  # noqa: F811
    submitted = instruction["submitted"]
    assert submitted.status == State.SUBMITTED
    browser_login(page, instruction["staff"].email, PASSWORD)
    page.wait_for_url("**/")
    page.route("**/suite/**", lambda route: route.abort())
    page.goto(f"/instruction/dossiers/{submitted.pk}/")
    alert = page.locator("#reviews [data-panel-state]")
    expect(alert.get_by_text("Chargement impossible.")).to_be_visible()
    page.unroute("**/suite/**")
    alert.get_by_role("link", name="L'ouvrir sur sa propre page").click()
    page.wait_for_url(f"**/instruction/dossiers/{submitted.pk}/suite/avis-evaluation/")
    expect(page.get_by_role("heading", name="Évaluation")).to_be_visible()
    expect(page.get_by_role("heading", name="Avis de l'opérateur d'appui")).to_be_visible()
    page.get_by_role("link", name="Retour au dossier").click()
    page.wait_for_url(f"**/instruction/dossiers/{submitted.pk}/")
