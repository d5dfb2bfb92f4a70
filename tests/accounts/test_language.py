"""The account's language (User.language): chosen with the switch, kept at sign-in, used for the
e-mails and the PDFs the portal writes for that person."""

import io

import pytest
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from documents.models import JobStatus
from documents.services import request_document
from tests.conftest import login
from tests.factories import PASSWORD, ApplicationFactory

pytestmark = pytest.mark.django_db


def test_the_switch_saves_a_signed_in_users_language_and_an_anonymous_one_gets_only_the_cookie(client, applicant):
    anonymous = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert anonymous.status_code == 302 and client.cookies["django_language"].value == "en"
    login(client, applicant)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    applicant.refresh_from_db()
    assert applicant.language == "en"
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})  # not offered: nothing saved
    applicant.refresh_from_db()
    assert applicant.language == "en"
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    applicant.refresh_from_db()
    assert applicant.language == "fr"


def test_signing_in_serves_the_accounts_language(client, applicant):
    applicant.language = "en"
    applicant.save()
    response = client.post(reverse("accounts:login"), {"username": applicant.email, "password": PASSWORD}, follow=True)
    assert client.cookies["django_language"].value == "en"
    assert '<html lang="en">' in response.content.decode()


def test_a_password_reset_goes_out_in_the_accounts_language(client, applicant):
    applicant.language = "en"
    applicant.save()
    client.post(reverse("accounts:password_reset"), {"email": applicant.email})
    assert [m.to for m in mail.outbox] == [[applicant.email]]
    assert "Bonjour" not in mail.outbox[0].body


def pdf_text(job):
    job.file.open("rb")
    with job.file:
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(job.file.read())).pages)


def test_a_generated_document_is_written_in_the_language_of_who_asked(
    association, applicant, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(organisation=association, reference="PRA-2026-0042", status="submitted")
    applicant.language = "en"
    applicant.save()
    with django_capture_on_commit_callbacks(execute=True):
        job = request_document(kind="receipt", target=application, user=applicant)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert "Submission receipt" in pdf_text(job) and "Accusé de dépôt" not in pdf_text(job)
    applicant.language = "fr"
    applicant.save()
    with django_capture_on_commit_callbacks(execute=True):
        request_document(kind="receipt", target=application, user=applicant)
    job.refresh_from_db()
    assert "Accusé de dépôt" in pdf_text(job)
