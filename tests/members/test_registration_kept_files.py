"""A registration refused for one field keeps the files already sent: the next attempt does not ask again."""

import datetime
import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from members import provisional
from members.models import DocumentType, Organisation, ProvisionalUpload

from .conftest import PDF, pdf
from .test_registration import form_data

pytestmark = pytest.mark.django_db
KEPT = re.compile(r'name="(docs-(?:statutes|receipt)_kept)" value="([^"]+)"')


def kept_tokens(response):
    return dict(KEPT.findall(response.content.decode()))


def without_files(**overrides):
    return {k: v for k, v in form_data(**overrides).items() if k not in ("docs-statutes", "docs-receipt")}


def test_a_refusal_keeps_the_files_and_what_was_typed_then_the_next_attempt_uses_them(client):
    first = client.post(reverse("members:register"), form_data(**{"org-rna": "W12"}))
    body = first.content.decode()
    assert first.status_code == 400
    assert not Organisation.objects.exists()
    # Everything typed is shown again, and both files are named as already attached.
    assert 'value="Association Kassoumaï pour le développement"' in body
    assert 'value="W12"' in body
    assert 'value="awa@example.org"' in body
    assert re.search(r'<option value="SN" selected>Sénégal</option>', body)
    assert "Fichier déjà joint : <strong>statuts.pdf</strong>" in body
    assert "Fichier déjà joint : <strong>recepisse.pdf</strong>" in body
    assert "choisissez-les à nouveau" not in body
    tokens = kept_tokens(first)
    assert set(tokens) == {"docs-statutes_kept", "docs-receipt_kept"}
    rows = list(ProvisionalUpload.objects.all())
    assert sorted(row.original_name for row in rows) == ["recepisse.pdf", "statuts.pdf"]
    assert all(default_storage.exists(row.file.name) for row in rows)

    second = client.post(reverse("members:register"), {**without_files(), **tokens})

    assert second.status_code == 302
    organisation = Organisation.objects.get(rna="W352000205")
    documents = {doc.doc_type: doc for doc in organisation.documents.all()}
    assert set(documents) == {DocumentType.STATUTES, DocumentType.REGISTRATION_RECEIPT}
    assert documents[DocumentType.STATUTES].original_name == "statuts.pdf"
    assert documents[DocumentType.REGISTRATION_RECEIPT].original_name == "recepisse.pdf"
    with documents[DocumentType.STATUTES].file.open("rb") as handle:
        assert handle.read() == PDF
    # Used: the provisional copies are gone, rows and files.
    assert not ProvisionalUpload.objects.exists()
    assert not any(default_storage.exists(row.file.name) for row in rows)


def test_only_the_accepted_file_is_kept_and_the_missing_one_is_asked_for(client):
    first = client.post(reverse("members:register"), {k: v for k, v in form_data().items() if k != "docs-receipt"})
    body = first.content.decode()
    assert first.status_code == 400
    assert "Fichier déjà joint : <strong>statuts.pdf</strong>" in body
    assert "Choisissez un fichier." in body
    assert set(kept_tokens(first)) == {"docs-statutes_kept"}

    second = client.post(
        reverse("members:register"),
        {**without_files(), **kept_tokens(first), "docs-receipt": pdf("recepisse.pdf")},
    )
    assert second.status_code == 302
    organisation = Organisation.objects.get(rna="W352000205")
    assert sorted(organisation.documents.values_list("original_name", flat=True)) == ["recepisse.pdf", "statuts.pdf"]


def test_a_new_file_replaces_the_kept_one(client):
    tokens = kept_tokens(client.post(reverse("members:register"), form_data(**{"org-rna": "W12"})))
    client.post(reverse("members:register"), {**without_files(), **tokens, "docs-statutes": pdf("statuts-2026.pdf")})
    organisation = Organisation.objects.get(rna="W352000205")
    assert organisation.documents.get(doc_type=DocumentType.STATUTES).original_name == "statuts-2026.pdf"


def test_a_refused_replacement_leaves_the_kept_file_in_place(client):
    tokens = kept_tokens(client.post(reverse("members:register"), form_data(**{"org-rna": "W12"})))
    fake = SimpleUploadedFile("statuts.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(reverse("members:register"), {**without_files(), **tokens, "docs-statutes": fake})
    body = response.content.decode()
    assert response.status_code == 400
    assert "ne correspond pas à son extension" in body
    assert "Fichier déjà joint : <strong>statuts.pdf</strong>" in body
    assert kept_tokens(response)["docs-statutes_kept"] == tokens["docs-statutes_kept"]


@pytest.mark.parametrize(
    "token",
    ["", "not-a-token", "W3sic3RhdHV0ZXMiOiIxIn1d:1abc:forged"],
    ids=["empty", "garbage", "forged"],
)
def test_a_bad_token_is_no_file(client, token):
    response = client.post(
        reverse("members:register"),
        {**without_files(), "docs-statutes_kept": token, "docs-receipt_kept": token},
    )
    body = response.content.decode()
    assert response.status_code == 400
    for name in ("statutes", "receipt"):
        assert f'id="id_docs-{name}_error"><li>Choisissez un fichier.</li>' in body
    assert "Fichier déjà joint" not in body
    assert not Organisation.objects.exists()


def test_a_token_signed_for_something_else_is_refused(client):
    from django.core import signing

    row = provisional.keep(pdf("statuts.pdf"))
    other = signing.dumps(str(row.key), salt="another-purpose")
    assert provisional.from_token(other) is None
    assert provisional.from_token(provisional.token_for(row)).name == "statuts.pdf"


def test_a_kept_file_is_checked_again_by_its_content(client):
    """The stored copy is read back and checked like any upload: a file changed in storage is refused."""
    tokens = kept_tokens(client.post(reverse("members:register"), form_data(**{"org-rna": "W12"})))
    row = ProvisionalUpload.objects.get(original_name="statuts.pdf")
    default_storage.delete(row.file.name)
    default_storage.save(row.file.name, SimpleUploadedFile("x", b"MZ\x90\x00 not a pdf"))
    response = client.post(reverse("members:register"), {**without_files(), **tokens})
    assert response.status_code == 400
    assert "ne correspond pas à son extension" in response.content.decode()
    assert not Organisation.objects.exists()


def test_kept_files_expire_and_the_periodic_task_deletes_them(settings):
    from members.tasks import purge_provisional_uploads

    old, recent = provisional.keep(pdf("ancien.pdf")), provisional.keep(pdf("recent.pdf"))
    ProvisionalUpload.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=provisional.KEEP_HOURS + 1)
    )

    assert purge_provisional_uploads.delay().get() == 1

    assert list(ProvisionalUpload.objects.values_list("original_name", flat=True)) == ["recent.pdf"]
    assert not default_storage.exists(old.file.name)
    assert default_storage.exists(recent.file.name)
    assert settings.CELERY_BEAT_SCHEDULE["members-purge-provisional-uploads"]["task"] == (
        "members.tasks.purge_provisional_uploads"
    )


def test_a_kept_file_is_described_and_no_longer_required(client):
    body = client.post(reverse("members:register"), form_data(**{"org-rna": "W12"})).content.decode()
    field = re.search(r'<input type="file" name="docs-statutes"[^>]*>', body).group(0)
    assert " required" not in field
    assert 'aria-describedby="id_docs-statutes_kept id_docs-statutes_helptext"' in field
    assert '<p class="kept-file" id="id_docs-statutes_kept">' in body
