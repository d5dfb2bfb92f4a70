"""Country fields: a plain multi-select that works without JavaScript and that our script turns into a
searchable picker; what is stored shows selected."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from forim_portal.widgets import CountryPicker
from grants.forms import CallForm
from members.forms import OrganisationForm
from members.models import Organisation, OrganisationKind
from tests.conftest import login

from .test_registration import form_data

pytestmark = pytest.mark.django_db


def select(body, name):
    return re.search(rf'<select name="{name}"[^>]*>.*?</select>', body, re.S).group(0)


def test_the_registration_page_has_a_plain_labelled_country_select(client):
    body = client.get(reverse("members:register")).content.decode()
    control = select(body, "org-diaspora_countries")
    assert " multiple" in control and "data-country-picker" in control
    assert len(re.findall(r"<option ", control)) == 250  # every country (ISO 3166 and Kosovo), usable with no script
    assert '<label for="id_org-diaspora_countries">Pays d&#x27;origine de la diaspora</label>' in body
    assert "Maintenez Ctrl (ou Cmd) pour en choisir plusieurs" not in body
    assert 'src="/static/js/forms.js"' in body


def test_chosen_countries_are_registered_and_shown_again_after_a_refusal(client):
    data = form_data(**{"org-diaspora_countries": ["SN", "ML"], "org-rna": "W12"})
    body = client.post(reverse("members:register"), data).content.decode()
    chosen = re.findall(r'<option value="(\w\w)" selected>', select(body, "org-diaspora_countries"))
    assert sorted(chosen) == ["ML", "SN"]
    client.post(reverse("members:register"), form_data(**{"org-diaspora_countries": ["SN", "ML"]}))
    organisation = Organisation.objects.get(rna="W352000205")
    assert sorted(c.code for c in organisation.diaspora_countries) == ["ML", "SN"]


def test_the_edit_page_keeps_the_stored_countries(client, applicant, association):
    association.diaspora_countries = ["MA", "DZ"]
    association.intervention_countries = ["MA"]
    association.save()
    login(client, applicant)
    url = reverse("members:organisation_edit", args=[association.pk])
    body = client.get(url).content.decode()
    assert sorted(re.findall(r'<option value="(\w\w)" selected>', select(body, "diaspora_countries"))) == ["DZ", "MA"]
    assert re.findall(r'<option value="(\w\w)" selected>', select(body, "intervention_countries")) == ["MA"]
    # Sent back as shown (what a browser without script does), nothing is lost.
    response = client.post(
        url,
        {
            "name": association.name,
            "acronym": association.acronym,
            "rna": association.rna,
            "region": "IDF",
            "city": "Paris",
            "diaspora_countries": ["MA", "DZ"],
            "intervention_countries": ["MA"],
        },
    )
    assert response.status_code == 302
    association.refresh_from_db()
    assert sorted(c.code for c in association.diaspora_countries) == ["DZ", "MA"]


@pytest.mark.parametrize("kind", [OrganisationKind.OSIM, OrganisationKind.OPERATOR, OrganisationKind.PARTNER])
def test_every_country_multi_select_uses_the_picker(kind):
    forms = [OrganisationForm(kind=kind, staff=True), CallForm()]
    country_fields = [
        (name, field) for form in forms for name, field in form.fields.items() if name.endswith("_countries")
    ]
    assert country_fields
    assert all(isinstance(field.widget, CountryPicker) for _, field in country_fields), [
        name for name, field in country_fields if not isinstance(field.widget, CountryPicker)
    ]


def test_rna_and_amount_like_fields_carry_phone_keyboard_hints(client):
    body = client.get(reverse("members:register")).content.decode()
    rna = re.search(r'<input[^>]*name="org-rna"[^>]*>', body).group(0)
    assert 'pattern="' in rna and 'autocapitalize="characters"' in rna
    assert "Répertoire national des associations" in body
    assert "Journal officiel" in body
    share = re.search(r'<input[^>]*name="org-board_migrant_share"[^>]*>', body).group(0)
    assert 'inputmode="decimal"' in share and 'type="text"' in share


def test_a_share_typed_with_a_french_comma_is_read(client):
    client.post(reverse("members:register"), form_data(**{"org-board_migrant_share": "65,5"}))
    assert Organisation.objects.get(rna="W352000205").board_migrant_share == Decimal("65.50")
