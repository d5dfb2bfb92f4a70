import io
import zipfile
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from documents.models import DocumentJob, JobStatus
from documents.services import request_document
from forim_portal.errors import DomainError
from grants.models import Application
from tests.conftest import login
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def job_bytes(job):
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    with job.file.open("rb") as handle:
        return handle.read()


def pdf_text(content):
    reader = PdfReader(io.BytesIO(content))
    text = " ".join(page.extract_text() for page in reader.pages)
    return reader, text.replace("\u202f", " ").replace("\xa0", " ")


def run(django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        return request_document(**kwargs)


def test_the_agreement_is_generated_on_award(awarded):
    job = DocumentJob.objects.get(kind="agreement", target_id=awarded.pk)
    _reader, text = pdf_text(job_bytes(job))
    assert "Convention de financement" in text
    assert "Association des Marocains en France" in text
    assert "15 000,00" in text and "10 500,00" in text and "4 500,00" in text


def test_the_diploma_is_one_landscape_page_with_names_and_amount(awarded, staff_user, django_capture_on_commit_callbacks):
    job = run(django_capture_on_commit_callbacks, kind="diploma", target=awarded, user=staff_user)
    reader, text = pdf_text(job_bytes(job))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert box.width > box.height  # landscape
    for expected in ("Diplôme de lauréat", "Association des Marocains en France", "Adduction d'eau potable à Tafraout",
                     "Appel à projets PRA/OSIM 2026", "15 000,00", "Tafraout, "):
        assert expected.lower() in text.replace("\n", " ").lower(), expected  # small caps extract in mixed case


def test_no_diploma_for_a_dossier_that_is_not_awarded(association, staff_user):
    draft = ApplicationFactory(organisation=association)
    with pytest.raises(DomainError, match="pas lauréat"):
        request_document(kind="diploma", target=draft, user=staff_user)
    assert not DocumentJob.objects.filter(kind="diploma").exists()


def test_the_call_diplomas_as_one_pdf_and_as_a_zip(make_awarded, call, association, applicant, other_association, other_applicant,
                                                   staff_user, django_capture_on_commit_callbacks):
    make_awarded(organisation=association, applicant=applicant)
    make_awarded("9000.00", organisation=other_association, applicant=other_applicant, country="HT", title="Santé à Jacmel")
    pdf_job = run(django_capture_on_commit_callbacks, kind="call_diplomas", target=call, user=staff_user, variant="pdf")
    reader, text = pdf_text(job_bytes(pdf_job))
    assert len(reader.pages) == 2
    assert "Plateforme des associations franco-haïtiennes" in text and "9 000,00" in text
    pdf_job.refresh_from_db()
    assert (pdf_job.progress_done, pdf_job.progress_total) == (2, 2)
    zip_job = run(django_capture_on_commit_callbacks, kind="call_diplomas", target=call, user=staff_user, variant="zip")
    archive = zipfile.ZipFile(io.BytesIO(job_bytes(zip_job)))
    assert len(archive.namelist()) == 2 and all(name.endswith(".pdf") for name in archive.namelist())
    with pytest.raises(DomainError, match="Format inconnu"):
        request_document(kind="call_diplomas", target=call, user=staff_user, variant="docx")


def test_rerunning_replaces_the_file(awarded, staff_user, django_capture_on_commit_callbacks):
    first = run(django_capture_on_commit_callbacks, kind="diploma", target=awarded, user=staff_user)
    job_bytes(first)
    first_name = DocumentJob.objects.get(pk=first.pk).file.name
    again = run(django_capture_on_commit_callbacks, kind="diploma", target=awarded, user=staff_user)
    assert again.pk == first.pk
    assert DocumentJob.objects.filter(kind="diploma").count() == 1
    again.refresh_from_db()
    assert again.file.storage.exists(again.file.name)
    assert again.file.name == first_name or not again.file.storage.exists(first_name)


def test_partner_report_pdf_and_xlsx_hold_projects_top_ups_and_totals(make_awarded, moroccan_association, applicant, ccme, ccme_rule,
                                                                      call, partner_user, django_capture_on_commit_callbacks):
    make_awarded(organisation=moroccan_association, applicant=applicant)
    make_awarded("12345.67", organisation=moroccan_association, applicant=applicant, title="École de Tiznit")
    pdf = run(django_capture_on_commit_callbacks, kind="partner_report", target=ccme, user=partner_user, variant=f"{call.pk}-pdf")
    _reader, text = pdf_text(job_bytes(pdf))
    for expected in ("Rapport de cofinancement", "École de Tiznit", "4 500,00", "3 703,70", "27 345,67", "8 203,70"):
        assert expected in text, expected
    xlsx = run(django_capture_on_commit_callbacks, kind="partner_report", target=ccme, user=partner_user, variant=f"{call.pk}-xlsx")
    sheet = load_workbook(io.BytesIO(job_bytes(xlsx))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Référence" and rows[0][6] == "Complément (€)"
    assert sorted(row[6] for row in rows[1:3]) == [3703.7, 4500]
    assert rows[3][0] == "TOTAL" and rows[3][4] == 27345.67 and rows[3][6] == 8203.7


def test_a_partner_cannot_get_another_partners_report(ccme, ccme_rule, call, other_applicant):
    with pytest.raises(DomainError) as refused:
        request_document(kind="partner_report", target=ccme, user=other_applicant, variant=f"{call.pk}-pdf")
    assert refused.value.status == 403


def test_diploma_downloads_only_for_the_association_its_partner_and_staff(
    awarded, ccme_rule, staff_user, applicant, other_applicant, partner_user, operator_user, client, django_capture_on_commit_callbacks,
):
    job = run(django_capture_on_commit_callbacks, kind="diploma", target=awarded, user=staff_user)
    url = reverse("documents:download", args=[job.pk])
    for user, expected in ((applicant, 200), (partner_user, 200), (staff_user, 200), (other_applicant, 404), (operator_user, 404)):
        login(client, user)
        assert client.get(url).status_code == expected, user
    agreement = DocumentJob.objects.get(kind="agreement", target_id=awarded.pk)
    login(client, partner_user)
    assert client.get(reverse("documents:download", args=[agreement.pk])).status_code == 404
    login(client, applicant)
    assert client.get(reverse("documents:download", args=[agreement.pk])).status_code == 200


def test_a_failure_shows_its_reason_and_a_stuck_job_is_failed(awarded, staff_user, django_capture_on_commit_callbacks):
    """The dossier's award is withdrawn under the job's feet: the job fails with a reason, never hangs."""
    job = request_document(kind="diploma", target=awarded, user=staff_user)
    Application.objects.filter(pk=awarded.pk).update(status="rejected")
    from documents.tasks import generate_document

    generate_document.delay(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "pas lauréat" in job.error
    stuck = DocumentJob.objects.create(
        kind="call_diplomas", target_type=ContentType.objects.get_for_model(awarded.call), target_id=awarded.call_id,
        variant="zip", status=JobStatus.RUNNING, started_at=timezone.now() - timezone.timedelta(hours=1),
    )
    from documents.tasks import fail_stuck_document_jobs

    assert fail_stuck_document_jobs.delay().get() == 1  # what beat runs every ten minutes
    stuck.refresh_from_db()
    assert stuck.status == JobStatus.FAILED and "interrompu" in stuck.error
    assert Decimal(awarded.awarded_amount) == Decimal("15000.00")
