import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from access import visibility
from access.visibility import Purpose
from documents.models import DocumentJob, JobStatus
from documents.pdf import LocalOnlyFetcher, html_to_pdf
from documents.registry import DocumentKind, register
from documents.services import fail_stuck_jobs, request_document
from members.models import Organisation
from tests.conftest import login

pytestmark = pytest.mark.django_db

CALLS = []


def render_card(organisation, progress, variant=""):
    CALLS.append(organisation.pk)
    progress(1, 1)
    html = f"<html><body><h1>Carte de membre</h1><p>{organisation.name}</p></body></html>"
    return f"carte-{organisation.pk}.pdf", html_to_pdf(html)


register(DocumentKind(
    code="test_card", label="Carte", model="members.Organisation", render=render_card,
    readable=lambda user: visibility.organisations(user, Purpose.PEOPLE),
))


def pdf_text(job):
    with job.file.open("rb") as handle:
        return "".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)


def test_a_job_renders_a_pdf_and_rerunning_replaces_it(association, applicant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = request_document(kind="test_card", target=association, user=applicant)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.percent == 100
    assert association.name in pdf_text(job)
    first_name = job.file.name
    with django_capture_on_commit_callbacks(execute=True):
        again = request_document(kind="test_card", target=association, user=applicant)
    again.refresh_from_db()
    assert again.pk == job.pk
    assert DocumentJob.objects.count() == 1
    assert not job.file.storage.exists(first_name) or again.file.name == first_name
    assert again.file.storage.exists(again.file.name)


def test_another_association_can_neither_request_nor_download(association, applicant, other_applicant, client, django_capture_on_commit_callbacks):
    from forim_portal.errors import DomainError

    with pytest.raises(DomainError):
        request_document(kind="test_card", target=association, user=other_applicant)
    with django_capture_on_commit_callbacks(execute=True):
        job = request_document(kind="test_card", target=association, user=applicant)
    login(client, other_applicant)
    assert client.get(reverse("documents:download", args=[job.pk])).status_code == 404
    assert client.get(reverse("documents:status", args=[job.pk])).status_code == 404
    login(client, applicant)
    response = client.get(reverse("documents:download", args=[job.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_the_pdf_renderer_never_fetches_remote_urls():
    with pytest.raises(ValueError, match="local files only"):
        LocalOnlyFetcher().fetch("https://fonts.example.com/font.woff2")
    pdf = html_to_pdf('<img src="https://example.com/logo.png"><link rel="stylesheet" href="http://example.com/x.css"><p>ok</p>')
    assert pdf.startswith(b"%PDF-")


def test_a_job_stuck_running_is_marked_failed(association):
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    job = DocumentJob.objects.create(
        kind="test_card", target_type=ContentType.objects.get_for_model(Organisation), target_id=association.pk,
        status=JobStatus.RUNNING, started_at=timezone.now() - timezone.timedelta(hours=2),
    )
    assert fail_stuck_jobs() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "interrompu" in job.error
