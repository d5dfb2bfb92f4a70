"""Issue 14: staff, reviewer and operator read the whole application and open its files in the browser.

Each role's page carries every section (sector policy included), the budget, the funding plan and
the files it may open, labelled in French; the files answer inline (PDF) with a download option;
who opens what is access.visibility's rule: staff, the association, its operator, the assigned
reviewer (project files only on an anonymous-review call); another association, an unassigned
reviewer and a partner get 404.
"""

import datetime
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from documents.models import DocumentJob
from grants.models import Application, ApplicationDocument, OperatorVisa
from grants.states import State
from members.models import MemberRole, OrganisationDocument, OrganisationKind
from reviews.criteria import sections_for
from reviews.models import ReviewAssignment
from tests.conftest import login, with_panels
from tests.factories import CriterionFactory, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% a test file\n"
POLICY = "Le projet suit le plan national de l'eau du Sénégal 2020-2030."
CONTEXT = "Le village de Ndiaganiao manque d'eau potable depuis 2015."


def attach(application, doc_type, name):
    document = ApplicationDocument(application=application, doc_type=doc_type, original_name=name, size=len(PDF))
    document.file.save(name, ContentFile(PDF), save=True)
    return document


def vault(organisation, doc_type, name):
    document = OrganisationDocument(organisation=organisation, doc_type=doc_type, original_name=name)
    document.file.save(name, ContentFile(PDF), save=True)
    return document


@pytest.fixture
def dossier(make, call, association, operator_org):
    association.operator = operator_org
    association.save()
    CriterionFactory(call=call, label="Cohérence avec la politique sectorielle nationale", position=2)
    application = make(
        State.UNDER_REVIEW,
        context=CONTEXT,
        sector_policy=POLICY,
        activities="Forage, château d'eau",
        expected_results="300 familles desservies",
        sustainability="Comité de gestion de l'eau",
    )
    application.accounts = attach(application, "accounts", "comptes_2025.pdf")
    application.letter = attach(application, "partner_letter", "lettre-partenaire.pdf")
    application.statutes = vault(association, "statutes", "statuts.pdf")
    application.receipt = vault(association, "registration_receipt", "recepisse.pdf")
    return application


@pytest.fixture
def assigned(dossier, reviewer, staff_user):
    return ReviewAssignment.objects.create(application=dossier, reviewer=reviewer, assigned_by=staff_user)


def file_urls(dossier):
    return {
        "accounts": reverse("grants:document_download", args=[dossier.pk, dossier.accounts.pk]),
        "letter": reverse("grants:document_download", args=[dossier.pk, dossier.letter.pk]),
        "statutes": reverse("grants:vault_document", args=[dossier.pk, dossier.statutes.pk]),
        "receipt": reverse("grants:vault_document", args=[dossier.pk, dossier.receipt.pk]),
    }


def assert_whole_application(html, dossier):
    for text in (
        "Cohérence avec la politique sectorielle nationale",
        POLICY.replace("'", "&#x27;"),
        CONTEXT.replace("'", "&#x27;"),
        "300 familles desservies",
        "Comité de gestion de l&#x27;eau",
        "Plan de financement",
        "Total du financement",
        "Forage",
    ):
        assert text in html, text


def test_criterion_sections_follow_the_label():
    assert sections_for("Cohérence avec la politique sectorielle nationale") == [
        ("dossier-sector_policy", "Cohérence avec la politique sectorielle nationale")
    ]
    assert [anchor for anchor, _label in sections_for("Pérennité et réalisme du budget")] == [
        "dossier-sustainability",
        "dossier-budget",
    ]
    assert sections_for("Restitution en France") == []


def test_staff_page_shows_the_whole_application_with_french_labels_and_links(client, dossier, staff_user):
    DocumentJob.objects.create(
        kind="agreement", target_type=ContentType.objects.get_for_model(Application), target_id=dossier.pk
    )
    html = with_panels(login(client, staff_user).get(reverse("reviews:application_detail", args=[dossier.pk])), client)
    assert_whole_application(html, dossier)
    assert "accounts : comptes_2025.pdf" not in html
    for label in (
        "Comptes annuels",
        "Statuts",
        "Récépissé de déclaration en préfecture",
        "Lettre d&#x27;engagement du partenaire local",
    ):
        assert label in html, label
    for url in file_urls(dossier).values():
        assert f'href="{url}"' in html and f'href="{url}?telecharger=1"' in html
    assert "Convention —" in html and "agreement —" not in html


def test_files_open_inline_and_download_on_request(client, dossier, staff_user):
    login(client, staff_user)
    for url in file_urls(dossier).values():
        shown = client.get(url)
        assert shown.status_code == 200 and b"".join(shown.streaming_content) == PDF
        assert shown["Content-Disposition"].startswith("inline") and shown["Content-Type"] == "application/pdf"
        saved = client.get(f"{url}?telecharger=1")
        assert saved["Content-Disposition"].startswith("attachment")


def test_who_opens_the_files(client, dossier, assigned, applicant, operator_user, other_applicant, reviewer):
    urls = file_urls(dossier)
    partner = MembershipFactory(
        organisation=OrganisationFactory(kind=OrganisationKind.PARTNER, rna=None),
        role=MemberRole.ADMIN,
        user__role=Role.PARTNER,
        user__email="partenaire@example.org",
    ).user
    stranger = UserFactory(role=Role.REVIEWER, email="autre-eval@example.org")
    for user, allowed in [
        (applicant, True),
        (operator_user, True),
        (reviewer, True),
        (other_applicant, False),
        (stranger, False),
        (partner, False),
    ]:
        login(client, user)
        codes = {name: client.get(url).status_code for name, url in urls.items()}
        assert codes == dict.fromkeys(urls, 200 if allowed else 404), user.email


def test_reviewer_reads_the_application_with_the_conflict_box_first(client, dossier, assigned, reviewer):
    html = login(client, reviewer).get(reverse("reviews:review", args=[assigned.pk])).content.decode()
    assert_whole_application(html, dossier)
    assert (
        html.index(reverse("reviews:declare_conflict", args=[assigned.pk]))
        < html.index('id="dossier-project"')
        < html.index('name="score_')
    )
    send = re.search(r'<button[^>]*name="submit"[^>]*>', html).group(0)
    assert "data-confirm=" in send and "ne pourra plus être modifiée" in send
    assert "data-confirm" not in re.search(r'<button[^>]*name="save"[^>]*>', html).group(0)
    assert 'href="#dossier-sector_policy"' in html
    for url in file_urls(dossier).values():
        assert f'href="{url}"' in html
    assert "Pièces administratives masquées" not in html and dossier.organisation.name in html


def test_anonymous_review_hides_the_administrative_files(client, dossier, assigned, reviewer):
    dossier.call.anonymous_review = True
    dossier.call.save()
    urls = file_urls(dossier)
    login(client, reviewer)
    html = client.get(reverse("reviews:review", args=[assigned.pk])).content.decode()
    assert "Pièces administratives masquées : évaluation anonyme" in html
    assert dossier.organisation.name not in html
    assert f'href="{urls["letter"]}"' in html
    for name in ("accounts", "statutes", "receipt"):
        assert f'href="{urls[name]}"' not in html
        assert client.get(urls[name]).status_code == 404, name
    assert client.get(urls["letter"]).status_code == 200


def test_operator_reads_the_filed_dossier_on_its_opinion_page(client, dossier, operator_user):
    html = login(client, operator_user).get(reverse("reviews:operator_opinion", args=[dossier.pk])).content.decode()
    assert_whole_application(html, dossier)
    assert f'href="{file_urls(dossier)["statutes"]}"' in html
    assert 'id="opinion-form"' in html


def test_operator_draft_view_is_whole_with_its_own_breadcrumb(client, call, association, operator_org, operator_user):
    association.operator = operator_org
    association.save()
    draft = Application.objects.create(
        call=call, organisation=association, title="Brouillon du moulin", context=CONTEXT, sector_policy=POLICY
    )
    html = login(client, operator_user).get(reverse("grants:application_detail", args=[draft.pk])).content.decode()
    assert CONTEXT.replace("'", "&#x27;") in html and POLICY.replace("'", "&#x27;") in html
    assert reverse("grants:operator_drafts") in html and "Mes dossiers" not in html


def test_operator_home_lists_drafts_awaiting_its_visa_requested_first(
    client, call, association, operator_org, operator_user
):
    association.operator = operator_org
    association.save()
    quiet = Application.objects.create(call=call, organisation=association, title="Projet sans demande")
    asked = Application.objects.create(
        call=call,
        organisation=association,
        title="Projet qui demande",
        visa_requested_at=timezone.now() - datetime.timedelta(days=1),
    )
    answered = Application.objects.create(
        call=call,
        organisation=association,
        title="Projet déjà visé",
        visa_requested_at=timezone.now() - datetime.timedelta(days=3),
    )
    OperatorVisa.objects.create(application=answered, operator=operator_org, given_by=operator_user, decision="granted")
    call.operator_visa_required = True
    call.save()
    html = login(client, operator_user).get(reverse("accounts:home")).content.decode()
    section = html[html.index("Brouillons : votre visa") :]
    assert "Projet déjà visé" not in section.split("</section>")[0]
    assert section.index(asked.title) < section.index(quiet.title)
    assert "2 brouillons attendent votre visa." in section


def test_staff_page_says_the_visa_and_the_opinion_apart(client, dossier, operator_org, operator_user, staff_user):
    OperatorVisa.objects.create(
        application=dossier,
        operator=operator_org,
        given_by=operator_user,
        decision="granted",
        created_at=timezone.now() - datetime.timedelta(days=20),
    )
    html = with_panels(login(client, staff_user).get(reverse("reviews:application_detail", args=[dossier.pk])), client)
    box = html[html.index('id="h-opinion"') :]
    box = box[: box.index("</section>")]
    assert "Visa accordé" in box and "Avis sur le dossier déposé" in box and "Pas encore donné." in box
    assert "n&#x27;a pas encore donné son avis" not in box
