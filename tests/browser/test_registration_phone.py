"""An association registers on a 360 × 740 phone: countries chosen with the picker by typing and tapping, a
mistake shown in the summary at the top, fixed without choosing the files again; no page wider than the screen."""

import pytest

from members.models import DocumentType, Organisation, OrganisationStatus

from .a11y import assert_accessible
from .conftest import pdf_file, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTH = 360


@pytest.fixture
def small_phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        locale="fr-FR",
        viewport={"width": WIDTH, "height": 740},
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    yield page
    context.close()


def assert_fits(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, f"{page.url} is {width} px wide on a {WIDTH} px screen"


def test_an_association_registers_on_a_small_phone_with_the_country_picker(small_phone):
    page = small_phone
    page.goto("/reseau/inscription/")
    assert_fits(page)
    page.fill("[name=org-name]", "Association Kassoumaï pour le développement")
    page.fill("[name=org-acronym]", "AKD")
    page.fill("[name=org-rna]", "W12")  # the mistake
    page.fill("[name=org-postcode]", "35200")
    page.fill("[name=org-city]", "Rennes")
    page.select_option("[name=org-region]", "BRE")

    # Diaspora: type, tap the country; a chip shows it and can be removed.
    diaspora = page.get_by_role("searchbox", name="Pays d'origine de la diaspora")
    diaspora.fill("séné")
    page.get_by_role("checkbox", name="Sénégal").first.click()
    diaspora.fill("mali")
    assert page.locator("#id_org-diaspora_countries-count").inner_text() == "1 pays correspond."
    page.get_by_role("checkbox", name="Mali").first.click()
    assert page.get_by_role("button", name="Retirer Mali").is_visible()
    screenshot(page, "registration-phone-01-picker")
    assert_fits(page)
    page.get_by_role("button", name="Retirer Mali").click()
    assert page.get_by_role("button", name="Retirer Mali").count() == 0
    # Intervention: by keyboard only, Enter picks the first country shown (it does not send the form).
    intervention = page.get_by_role("searchbox", name="Pays d'intervention")
    intervention.fill("casam")  # nothing matches
    assert page.locator("#id_org-intervention_countries-count").inner_text() == "Aucun pays ne correspond."
    intervention.fill("sénég")
    intervention.press("Enter")
    assert page.get_by_role("button", name="Retirer Sénégal").count() == 2
    assert page.url.endswith("/reseau/inscription/")

    page.fill("[name=account-first_name]", "Awa")
    page.fill("[name=account-last_name]", "Diatta")
    page.fill("[name=account-account_email]", "awa@example.org")
    page.fill("[name=account-password]", "un-mot-de-passe-solide-42")
    page.fill("[name=account-password_again]", "un-mot-de-passe-solide-42")
    page.set_input_files("[name=docs-statutes]", pdf_file("statuts.pdf"))
    page.set_input_files("[name=docs-receipt]", pdf_file("recepisse.pdf"))
    page.check("[name=docs-board_declaration]")
    page.get_by_role("button", name="Envoyer l'inscription").click()
    page.wait_for_load_state()

    # The summary is at the top, has the focus, and its link leads to the field.
    summary = page.locator("[data-error-summary]")
    assert summary.is_visible()
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    assert summary.get_by_role("heading", name="Il y a un problème").is_visible()
    screenshot(page, "registration-phone-02-error-summary")
    assert_fits(page)
    assert_accessible(page, "registration refused")
    summary.get_by_role("link", name="Numéro RNA invalide").click()
    assert page.evaluate("document.activeElement.name") == "org-rna"
    # Nothing else is asked again: typed text, countries and files are kept.
    assert page.input_value("[name=org-name]") == "Association Kassoumaï pour le développement"
    assert page.get_by_role("button", name="Retirer Sénégal").count() == 2
    assert page.get_by_text("Fichier déjà joint : statuts.pdf").is_visible()
    assert page.get_by_text("Fichier déjà joint : recepisse.pdf").is_visible()
    screenshot(page, "registration-phone-03-files-kept")

    page.fill("[name=org-rna]", "W352000205")
    page.get_by_role("button", name="Envoyer l'inscription").click()
    page.wait_for_url("**/reseau/mon-association/")
    assert_fits(page)
    screenshot(page, "registration-phone-04-registered")

    organisation = Organisation.objects.get(rna="W352000205")
    assert organisation.status == OrganisationStatus.PENDING
    assert [c.code for c in organisation.diaspora_countries] == ["SN"]
    assert [c.code for c in organisation.intervention_countries] == ["SN"]
    assert dict(organisation.documents.values_list("doc_type", "original_name")) == {
        DocumentType.STATUTES: "statuts.pdf",
        DocumentType.REGISTRATION_RECEIPT: "recepisse.pdf",
    }


def test_the_pickers_show_stored_countries_and_send_only_the_select(small_phone):
    """Both pickers on one page: the stored choices show as chips on arrival, and the form sends the select's
    value only (the picker's own boxes are never sent)."""
    from django import forms
    from django.template.loader import render_to_string

    from forim_portal.widgets import CountryPicker, CountrySelect
    from members.countries import country_choices

    class Countries(forms.Form):
        several = forms.MultipleChoiceField(label="Pays d'intervention", choices=country_choices, widget=CountryPicker)
        one = forms.ChoiceField(label="Pays du projet", choices=[("", "—"), *country_choices()], widget=CountrySelect)

    form = Countries(initial={"several": ["MA", "DZ"], "one": "MA"})
    html = (
        '<!DOCTYPE html><html lang="fr"><head><meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="stylesheet" href="/static/css/forim.css"><link rel="stylesheet" href="/static/css/forms.css">'
        '<script src="/static/js/forms.js" defer></script></head><body><form id="f">'
        + render_to_string("includes/form.html", {"form": form})
        + "</form></body></html>"
    )
    page = small_phone
    page.route("**/picker-test/", lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8"))
    page.goto("/picker-test/")
    assert page.get_by_role("button", name="Retirer Maroc").count() == 2
    assert page.get_by_role("button", name="Retirer Algérie").count() == 1
    one = page.get_by_role("searchbox", name="Pays du projet")
    one.fill("sene")
    page.get_by_role("radio", name="Sénégal").click()
    assert page.input_value("[name=one]") == "SN"
    assert page.get_by_role("button", name="Retirer Maroc").count() == 1  # the single choice replaced Maroc
    page.get_by_role("button", name="Retirer Algérie").click()
    sent = page.evaluate("Array.from(new FormData(document.getElementById('f')).entries())")
    assert sorted(sent) == [["one", "SN"], ["several", "MA"]]
    assert_fits(page)
    screenshot(page, "registration-phone-05-pickers")
