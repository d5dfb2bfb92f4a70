import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from members import services
from members.models import DocumentType, MemberRole, Organisation, OrganisationStatus
from members.selectors import can_apply, current_documents
from tests.conftest import login
from tests.factories import OrganisationFactory

from .conftest import pdf

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "org-name": "Association Kassoumaï pour le développement",
        "org-acronym": "AKD",
        "org-rna": "w 352 000 205",
        "org-siret": "",
        "org-postcode": "35200",
        "org-city": "Rennes",
        "org-region": "BRE",
        "org-email": "contact@kassoumai.example.org",
        "org-diaspora_countries": ["SN"],
        "org-intervention_countries": ["SN"],
        "org-sectors": ["health"],
        "org-board_migrant_share": "65",
        "account-first_name": "Awa",
        "account-last_name": "Diatta",
        "account-account_email": "awa@example.org",
        "account-password": "un-mot-de-passe-solide-42",
        "account-password_again": "un-mot-de-passe-solide-42",
        "docs-board_declaration": "on",
        "docs-statutes": pdf("statuts.pdf"),
        "docs-receipt": pdf("recepisse.pdf"),
    }
    data.update(overrides)
    return data


def test_an_association_registers_itself_and_waits_for_validation(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("members:register"), form_data())
    assert response.status_code == 302
    organisation = Organisation.objects.get(rna="W352000205")
    assert organisation.status == OrganisationStatus.PENDING
    assert organisation.department == "35"
    assert [c.code for c in organisation.diaspora_countries] == ["SN"]
    user = User.objects.get(email="awa@example.org")
    assert user.memberships.get().role == MemberRole.ADMIN
    assert set(current_documents(organisation)) == {DocumentType.STATUTES, DocumentType.REGISTRATION_RECEIPT}
    assert sorted(m.to[0] for m in mail.outbox) == ["awa@example.org", "contact@kassoumai.example.org"]  # one e-mail each
    assert "bien reçu l'inscription" in mail.outbox[0].body
    allowed, reason = can_apply(organisation)
    assert not allowed and "en attente de validation" in reason
    # The new account is logged in and lands on its association's page.
    page = client.get(reverse("members:my_organisation"))
    assert "Association Kassoumaï" in page.content.decode()
    assert "en attente de validation" in page.content.decode()


def test_duplicate_rna_is_refused_naming_the_existing_organisation(client):
    OrganisationFactory(rna="W352000205", name="Association déjà inscrite", acronym="ADI")
    response = client.post(reverse("members:register"), form_data())
    assert response.status_code == 400  # refused input is a 4xx, the form shown again
    assert "Association déjà inscrite (ADI)" in response.content.decode()
    assert Organisation.objects.filter(rna="W352000205").count() == 1
    assert not User.objects.filter(email="awa@example.org").exists()
    # What the user typed is kept.
    assert "Kassoumaï" in response.content.decode()


def test_bad_rna_siret_and_fake_pdf_are_refused_field_by_field(client):
    response = client.post(
        reverse("members:register"),
        form_data(**{"org-rna": "W12", "org-siret": "73282932000075", "docs-statutes": _fake_pdf()}),
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "W suivi de 9 chiffres" in body
    assert "clé de contrôle" in body
    assert "ne correspond pas à son extension" in body
    assert not Organisation.objects.exists()


def _fake_pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("statuts.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")


def test_existing_account_email_is_asked_to_log_in(client, applicant):
    response = client.post(reverse("members:register"), form_data(**{"account-account_email": applicant.email}))
    assert "connectez-vous" in response.content.decode()
    assert not Organisation.objects.filter(rna="W352000205").exists()


def test_a_logged_in_user_registers_a_second_association(client, applicant):
    login(client, applicant)
    data = {k: v for k, v in form_data().items() if not k.startswith("account-")}
    response = client.post(reverse("members:register"), data)
    assert response.status_code == 302
    assert set(applicant.memberships.values_list("organisation__rna", flat=True)) >= {"W352000205"}


def test_staff_validate_and_the_association_may_apply(client, staff_user, django_capture_on_commit_callbacks):
    organisation = OrganisationFactory(status=OrganisationStatus.PENDING, email="asso@example.org")
    login(client, staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("members:organisation_validate", args=[organisation.pk]))
    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.VALIDATED
    assert organisation.validated_by == staff_user
    assert can_apply(organisation) == (True, "")
    assert mail.outbox[-1].to == ["asso@example.org"]
    assert "Inscription validée" in mail.outbox[-1].subject


def test_staff_reject_with_a_reason_that_is_emailed(client, staff_user, django_capture_on_commit_callbacks):
    organisation = OrganisationFactory(status=OrganisationStatus.PENDING, email="asso@example.org")
    login(client, staff_user)
    response = client.post(reverse("members:organisation_reject", args=[organisation.pk]), {"reason": ""})
    assert response.status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("members:organisation_reject", args=[organisation.pk]),
            {"reason": "Le récépissé fourni est celui d'une autre association."},
        )
    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.REJECTED
    assert "autre association" in mail.outbox[-1].body
    assert can_apply(organisation)[0] is False


def test_only_staff_decide(applicant, association):
    from forim_portal.errors import DomainError

    association.status = OrganisationStatus.PENDING
    association.save()
    with pytest.raises(DomainError) as error:
        services.validate_organisation(organisation=association, by=applicant)
    assert error.value.status == 403


def test_a_second_decision_is_a_conflict(staff_user):
    from forim_portal.errors import Conflict

    organisation = OrganisationFactory(status=OrganisationStatus.PENDING)
    services.reject_organisation(organisation=organisation, by=staff_user, reason="Dossier incomplet")
    with pytest.raises(Conflict):
        services.reject_organisation(organisation=organisation, by=staff_user, reason="Encore")


def test_history_records_who_changed_what(client, staff_user, applicant, association):
    login(client, applicant)
    response = client.post(
        reverse("members:organisation_edit", args=[association.pk]),
        {"name": association.name, "acronym": "AMF", "rna": association.rna, "city": "Saint-Denis", "region": "IDF",
         "postcode": "93200"},
    )
    assert response.status_code == 302
    association.refresh_from_db()
    assert association.city == "Saint-Denis" and association.department == "93"
    latest = association.history.first()
    assert latest.history_user == applicant
    login(client, staff_user)
    page = client.get(reverse("members:organisation_history", args=[association.pk])).content.decode()
    assert "Saint-Denis" in page and str(applicant) in page
    login(client, applicant)
    assert client.get(reverse("members:organisation_history", args=[association.pk])).status_code == 403
