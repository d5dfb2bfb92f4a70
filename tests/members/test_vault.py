import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from members import services
from members.models import DocumentType, OrganisationDocument
from members.selectors import current_documents
from tests.conftest import login

from .conftest import PDF, pdf

pytestmark = pytest.mark.django_db


def test_upload_to_the_vault_and_download(client, applicant, association, settings):
    login(client, applicant)
    settings.MAX_UPLOAD_SIZE = 20
    response = client.post(
        reverse("members:document_add", args=[association.pk]),
        {"doc_type": "accounts", "year": "2025", "title": "Comptes 2025", "file": pdf("comptes 2025.pdf")},
    )
    # Too large: refused, and what was typed is kept.
    assert response.status_code == 200 and "trop volumineux" in response.content.decode()
    assert "Comptes 2025" in response.content.decode()
    settings.MAX_UPLOAD_SIZE = 10 * 1024 * 1024
    client.post(
        reverse("members:document_add", args=[association.pk]),
        {"doc_type": "accounts", "year": "2025", "title": "Comptes 2025", "file": pdf("comptes 2025.pdf")},
    )
    document = OrganisationDocument.objects.get()
    assert document.original_name == "comptes-2025.pdf" and document.uploaded_by == applicant
    assert document.file.name.startswith(f"organisations/{association.pk}/accounts/")
    download = client.get(reverse("members:document_download", args=[document.pk]))
    assert b"".join(download.streaming_content) == PDF
    assert "comptes-2025.pdf" in download["Content-Disposition"]


def test_wrong_content_is_refused(client, applicant, association):
    login(client, applicant)
    response = client.post(
        reverse("members:document_add", args=[association.pk]),
        {"doc_type": "statutes", "file": SimpleUploadedFile("statuts.pdf", b"<html>hello</html>")},
    )
    assert "ne correspond pas" in response.content.decode()
    response = client.post(
        reverse("members:document_add", args=[association.pk]),
        {"doc_type": "statutes", "file": SimpleUploadedFile("statuts.exe", b"MZ")},
    )
    assert "Type de fichier non accepté" in response.content.decode()
    assert not OrganisationDocument.objects.exists()


def test_current_documents_keeps_the_latest_valid_of_each_type(applicant, association, other_association):
    def add(doc_type, year, valid_until=None, organisation=association):
        return services.add_document(
            organisation=organisation, by=applicant if organisation == association else None, doc_type=doc_type,
            upload=pdf(), year=year, valid_until=valid_until, check=organisation == association,
        )

    old_statutes = add(DocumentType.STATUTES, 2010)
    new_statutes = add(DocumentType.STATUTES, 2019)
    add(DocumentType.BANK_DETAILS, 2025, valid_until=datetime.date(2020, 1, 1))  # expired
    accounts_2024 = add(DocumentType.ACCOUNTS, 2024)
    add(DocumentType.ACCOUNTS, 2025, organisation=other_association)
    current = current_documents(association)
    assert current == {DocumentType.STATUTES: new_statutes, DocumentType.ACCOUNTS: accounts_2024}
    assert old_statutes.pk not in {d.pk for d in current.values()}


def test_an_applicant_deletes_its_own_document_only(client, applicant, association, other_applicant, other_association):
    mine = services.add_document(organisation=association, by=applicant, doc_type="statutes", upload=pdf())
    theirs = services.add_document(organisation=other_association, by=other_applicant, doc_type="statutes", upload=pdf())
    login(client, applicant)
    assert client.post(reverse("members:document_delete", args=[theirs.pk])).status_code == 404
    client.post(reverse("members:document_delete", args=[mine.pk]))
    assert list(OrganisationDocument.objects.all()) == [theirs]
