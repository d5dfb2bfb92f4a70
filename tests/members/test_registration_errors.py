"""After a refused registration: one summary at the top listing each error with a link to its field; nothing
red on a form nobody has sent yet."""

import re

import pytest
from django.template import Context, Template
from django.urls import reverse

from members.forms import OrganisationForm
from tests.conftest import login
from tests.factories import OrganisationFactory

from .test_registration import form_data

pytestmark = pytest.mark.django_db
SUMMARY = re.compile(r'<div class="error-summary" role="alert" tabindex="-1"[^>]*data-error-summary>(.*?)</div>', re.S)


def summary_links(body):
    match = SUMMARY.search(body)
    assert match, "no error summary"
    return re.findall(r'<a href="#([^"]+)">([^<]+)</a>', match.group(1))


def test_an_untouched_form_shows_no_error(client):
    body = client.get(reverse("members:register")).content.decode()
    assert "Il y a un problème" not in body
    assert 'class="errorlist"' not in body
    assert "aria-invalid" not in body
    assert "field-error" not in body


def test_the_summary_lists_each_refused_field_with_a_link_in_page_order(client):
    data = form_data(**{"org-rna": "W12", "account-first_name": ""})
    del data["docs-receipt"]
    response = client.post(reverse("members:register"), data)
    body = response.content.decode()
    assert response.status_code == 400
    links = summary_links(body)
    assert [anchor for anchor, _ in links] == ["id_org-rna", "id_account-first_name", "id_docs-receipt"]
    messages = dict(links)
    assert messages["id_org-rna"].startswith("Numéro RNA invalide (« W12 »)")  # names its field once
    assert messages["id_account-first_name"] == "Votre prénom : Ce champ est obligatoire."
    assert messages["id_docs-receipt"] == "Récépissé de déclaration en préfecture : Choisissez un fichier."
    # The summary comes before the form's first section, the old banner is gone.
    assert body.index("Il y a un problème") < body.index("<legend>")
    assert "voyez les messages en rouge" not in body
    # Each link's target exists and says where its error is.
    for anchor, _ in links:
        field = re.search(rf'<input[^>]*id="{anchor}"[^>]*>', body).group(0)
        assert f"{anchor}_error" in re.search(r'aria-describedby="([^"]+)"', field).group(1)
        assert f'id="{anchor}_error"' in body


def test_a_rule_of_the_registry_shows_in_the_summary_too(client):
    OrganisationFactory(rna="W352000205", name="Association déjà inscrite", acronym="ADI")
    links = summary_links(client.post(reverse("members:register"), form_data()).content.decode())
    assert [anchor for anchor, _ in links] == ["id_org-rna"]
    assert "Association déjà inscrite (ADI)" in links[0][1]


def test_the_organisation_edit_page_has_the_summary(client, applicant, association):
    login(client, applicant)
    response = client.post(
        reverse("members:organisation_edit", args=[association.pk]),
        {"name": "", "rna": association.rna, "region": "IDF", "city": "Paris"},
    )
    assert response.status_code == 400
    assert [anchor for anchor, _ in summary_links(response.content.decode())] == ["id_name"]
    assert (
        "Il y a un problème"
        not in client.get(reverse("members:organisation_edit", args=[association.pk])).content.decode()
    )


def test_the_include_takes_one_form_a_list_or_nothing():
    template = Template('{% include "includes/error_summary.html" with form=form forms=forms %}')
    bound = OrganisationForm({"org-name": ""}, prefix="org")
    unbound = OrganisationForm(prefix="org")
    assert "Il y a un problème" in template.render(Context({"form": bound}))
    assert "Il y a un problème" in template.render(Context({"forms": [unbound, None, bound]}))
    assert "Il y a un problème" not in template.render(Context({"form": unbound}))
    assert template.render(Context({})).strip() == ""
