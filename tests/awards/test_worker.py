"""Through a real Celery worker on Redis (CI starts one on the test database)."""

import io
import time

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from documents.models import DocumentJob, JobStatus
from documents.services import request_document

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def wait_for(job, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in {JobStatus.DONE, JobStatus.FAILED}:
            break
        time.sleep(0.5)
    assert job.status == JobStatus.DONE, f"{job.status}: {job.error}"
    with job.file.open("rb") as handle:
        return handle.read()


@pytest.fixture
def worker_media(worker_storage):
    """The worker writes to the configured storage, not this test's private one: read from there, then tidy up."""
    yield
    for job in DocumentJob.objects.exclude(file=""):
        job.file.delete(save=False)


def test_a_real_worker_renders_a_diploma_and_a_partner_report(celery_worker_available, worker_media, awarded, ccme, ccme_rule,
                                                              call, staff_user, partner_user):
    diploma = wait_for(request_document(kind="diploma", target=awarded, user=staff_user))
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(diploma)).pages).replace("\u202f", " ").replace("\u00a0", " ")
    assert "Association des Marocains en France" in text and "15 000,00" in text
    xlsx = wait_for(request_document(kind="partner_report", target=ccme, user=partner_user, variant=f"{call.pk}-xlsx"))
    rows = list(load_workbook(io.BytesIO(xlsx)).active.iter_rows(values_only=True))
    assert rows[1][1] == "Association des Marocains en France" and rows[1][4] == 15000 and rows[1][6] == 4500
    assert rows[2][0] == "TOTAL" and rows[2][6] == 4500
    assert DocumentJob.objects.get(kind="diploma").attempts == 1
