"""A call's diplomas: one layout of the batch cut into one PDF per laureate, here or in parts on the workers."""

import io
import re
import time
import zipfile
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from pypdf import PdfReader

from awards import documents as award_documents
from documents.models import DocumentJob, JobStatus
from documents.services import request_document
from grants.states import State
from lifecycle.engine import fire
from tests.factories import ApplicationFactory, CallFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

NAMES = [
    "Association des Comoriens de Marseille",
    "Solidarité Sénégal Saint-Denis",
    "Femmes haïtiennes de Lyon",
    "Union des Maliens de Montreuil",
    "Jeunesse malgache de Rennes",
]


def laureate_call(count, call=None):
    """A call and `count` laureates with distinct names (rows set up directly: the subject is the rendering)."""
    call = call or CallFactory(title="PRA/OSIM 2026", year=2026)
    for n in range(count):
        name = NAMES[n] if n < len(NAMES) else f"Association solidaire n°{n + 1}"
        ApplicationFactory(
            call=call,
            organisation=OrganisationFactory(name=name, acronym=f"AS{n + 1}"),
            status=State.AWARDED,
            awarded_amount=Decimal("10000.00") + n,
            reference=f"PRA-2026-{n + 1:04d}",
        )
    return call


def read(job):
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    with job.file.open("rb") as handle:
        return handle.read()


def diplomas_in(content):
    """{file name: text of its single page} of a ZIP of diplomas."""
    archive = zipfile.ZipFile(io.BytesIO(content))
    found = {}
    for name in archive.namelist():
        reader = PdfReader(io.BytesIO(archive.read(name)))
        assert len(reader.pages) == 1, name
        found[name] = reader.pages[0].extract_text()
    return found


def expected_files(call):
    return {
        f"diplome-{application.reference.lower()}-{application.organisation.acronym.lower()}.pdf": application.organisation.name
        for application in award_documents.laureates(call)
    }


def check_each_file_names_its_laureate(content, call):
    found = diplomas_in(content)
    expected = expected_files(call)
    assert set(found) == set(expected)
    for name, organisation in expected.items():
        assert organisation in found[name], name
        others = [other for other in expected.values() if other != organisation]
        assert not any(other in found[name] for other in others), name


def test_the_zip_holds_one_pdf_per_laureate_with_its_name(staff_user, django_capture_on_commit_callbacks):
    call = laureate_call(5)
    with django_capture_on_commit_callbacks(execute=True):
        job = request_document(kind="call_diplomas", target=call, user=staff_user, variant="zip")
    check_each_file_names_its_laureate(read(job), call)
    job.refresh_from_db()
    assert (job.progress_done, job.progress_total) == (5, 5)
    assert job.filename == f"diplomes-{call.programme.code.lower()}-2026-{call.pk}.zip"


def test_the_batch_is_laid_out_once_for_the_zip(staff_user, monkeypatch, django_capture_on_commit_callbacks):
    """Five diplomas: one WeasyPrint layout, its pages then written one file each (no second layout)."""
    call = laureate_call(5)
    layouts = []
    real = award_documents.html_to_document
    monkeypatch.setattr(
        award_documents, "html_to_document", lambda html: layouts.append(html.count('class="diploma"')) or real(html)
    )
    with django_capture_on_commit_callbacks(execute=True):
        job = request_document(kind="call_diplomas", target=call, user=staff_user, variant="zip")
    assert layouts == [5]
    assert len(diplomas_in(read(job))) == 5


def resource_names(page, category):
    resources = page["/Resources"]
    return set(resources[category].keys()) if category in resources else set()


def test_each_zip_file_carries_only_its_own_page_resources(staff_user, django_capture_on_commit_callbacks):
    """The ZIP cuts the batch's written PDF, whose pages share one resources dictionary: each file keeps only
    the forms and patterns its own page draws (every one of the batch's, in exactly one file), the document's
    language and its page's bookmark."""
    call = laureate_call(4)
    batch_html = award_documents.diplomas_html(award_documents.laureates(call))
    whole = PdfReader(io.BytesIO(award_documents.html_to_pdf(batch_html)))
    with django_capture_on_commit_callbacks(execute=True):
        job = request_document(kind="call_diplomas", target=call, user=staff_user, variant="zip")
    content = read(job)
    check_each_file_names_its_laureate(content, call)
    archive = zipfile.ZipFile(io.BytesIO(content))
    for category in ("/XObject", "/Pattern"):
        in_batch = set().union(*(resource_names(page, category) for page in whole.pages))
        assert len(in_batch) >= 4  # each page draws its own (the seal, the band)
        kept = []
        for name in archive.namelist():
            page = PdfReader(io.BytesIO(archive.read(name))).pages[0]
            drawn = {"/" + name.decode() for name in re.findall(rb"/([A-Za-z0-9_.]+)", page.get_contents().get_data())}
            own = resource_names(page, category)
            assert own and own <= drawn, (name, category, own - drawn)
            kept.extend(own)
        assert sorted(kept) == sorted(in_batch)  # each of the batch's, in exactly one file
    for name in archive.namelist():
        reader = PdfReader(io.BytesIO(archive.read(name)))
        assert reader.trailer["/Root"]["/Lang"] == "fr"
        assert [item.title for item in reader.outline] == ["Diplôme de lauréat"]


def test_the_one_pdf_holds_every_laureate_in_order(staff_user, django_capture_on_commit_callbacks):
    call = laureate_call(3)
    with django_capture_on_commit_callbacks(execute=True):
        job = request_document(kind="call_diplomas", target=call, user=staff_user, variant="pdf")
    reader = PdfReader(io.BytesIO(read(job)))
    in_order = [application.organisation.name for application in award_documents.laureates(call)]
    assert len(reader.pages) == 3
    for name, page in zip(in_order, reader.pages, strict=True):
        assert name in page.extract_text()


def test_parts_rendered_apart_are_assembled_into_the_same_zip(staff_user):
    """What the chord does on the workers, step by step in this process: each part rendered and stored,
    then the callback gathers them into the ZIP and removes the parts."""
    call = laureate_call(5)
    ids = [application.pk for application in award_documents.laureates(call)]
    job = request_document(kind="call_diplomas", target=call, user=staff_user, variant="zip")  # queued, not run
    fire(job, "start", by=None, values={"attempts": 1})
    DocumentJob.objects.filter(pk=job.pk).update(progress_total=len(ids))
    parts = [award_documents.render_diploma_part(job.pk, ids[:2]), award_documents.render_diploma_part(job.pk, ids[2:])]
    assert all(default_storage.exists(name) for name in parts)
    assert DocumentJob.objects.get(pk=job.pk).progress_done == 5
    award_documents.assemble_call_diplomas(parts, job.pk)
    check_each_file_names_its_laureate(read(job), call)
    assert not any(default_storage.exists(name) for name in parts)


def test_a_failed_part_marks_the_job_failed(staff_user):
    call = laureate_call(2)
    job = request_document(kind="call_diplomas", target=call, user=staff_user, variant="zip")
    fire(job, "start", by=None, values={"attempts": 1})
    award_documents.call_diplomas_failed(None, RuntimeError("worker lost"), None, job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "worker lost" in job.error


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_large_call_is_rendered_in_parts_by_the_workers(celery_worker_available, worker_storage, staff_user):
    count = award_documents.PARALLEL_ABOVE + 2  # above the size: parts of PART_SIZE, one task each
    call = laureate_call(count)
    job = request_document(kind="call_diplomas", target=call, user=staff_user, variant="zip")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in {JobStatus.DONE, JobStatus.FAILED}:
            break
        time.sleep(0.5)
    try:
        check_each_file_names_its_laureate(read(job), call)
        assert (job.progress_done, job.progress_total) == (count, count)
    finally:
        if job.file:
            job.file.delete(save=False)
