"""The staff dossier export: streamed below the threshold, a document job above it, same rows either way."""

import csv
import html
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from documents.models import DocumentJob, JobStatus
from forim_portal import exports as export_writers
from grants.states import State
from reviews import exports
from tests.conftest import login
from tests.factories import ApplicationFactory, CallFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossiers(association, other_association):
    call = CallFactory(title="PRA/OSIM 2026")
    rows = [
        ApplicationFactory(
            call=call,
            organisation=association,
            status=State.SUBMITTED,
            reference=f"PRA-2026-{n:03d}",
            title=f"Puits n°{n}",
            country="SN",
        )
        for n in range(4)
    ]
    rows.append(
        ApplicationFactory(
            call=call,
            organisation=other_association,
            status=State.UNDER_REVIEW,
            reference="PRA-2026-900",
            title='=HYPERLINK("x")',
            country="MA",
        )
    )
    ApplicationFactory(call=call, organisation=association, status=State.DRAFT, title="Brouillon jamais déposé")
    return rows


def csv_rows(content):
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def xlsx_rows(content):
    return [list(row) for row in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)]


def direct(client, **query):
    response = client.get(reverse("reviews:applications"), query)
    assert response.status_code == 200 and response.streaming, "below the threshold the export is streamed"
    return response.getvalue()


def start_job(client, capture, query):
    """The table's export link above the threshold, then the page's button, as a browser does."""
    page = client.get(reverse("reviews:applications"), query)
    assert page.status_code == 200 and page.templates[0].name == "reviews/export_job.html"
    form = page.context
    with capture(execute=True):
        response = client.post(
            reverse("documents:request"),
            {
                "kind": form["kind"],
                "target": form["target"],
                "parameters": form["parameters"],
            },
        )
    assert response.status_code == 302
    return DocumentJob.objects.get(kind=exports.KIND, pk=int(response["Location"].rstrip("/").split("/")[-1]))


@pytest.mark.parametrize(("fmt", "read"), [("csv", csv_rows), ("xlsx", xlsx_rows)])
def test_the_job_writes_the_same_rows_as_the_direct_export(
    client, staff_user, dossiers, monkeypatch, fmt, read, django_capture_on_commit_callbacks
):
    login(client, staff_user)
    query = {"country": "SN", "sort": "reference", "export": fmt}
    expected = read(direct(client, **query))
    assert [row[0] for row in expected[1:]] == [f"PRA-2026-{n:03d}" for n in range(4)]
    monkeypatch.setattr(exports, "JOB_THRESHOLD", 3)
    job = start_job(client, django_capture_on_commit_callbacks, query)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    assert (job.progress_done, job.progress_total, job.percent) == (4, 4, 100)
    assert job.parameters == {"export": fmt, "filters": {"country": ["SN"], "sort": ["reference"]}}
    download = client.get(reverse("documents:download", args=[job.pk]))
    assert download.status_code == 200
    assert read(download.getvalue()) == expected
    assert job.filename.endswith(f".{fmt}")


def test_formulas_are_neutralised_in_the_job_too(
    client, staff_user, dossiers, monkeypatch, django_capture_on_commit_callbacks
):
    login(client, staff_user)
    monkeypatch.setattr(exports, "JOB_THRESHOLD", 0)
    job = start_job(client, django_capture_on_commit_callbacks, {"export": "csv"})
    rows = csv_rows(client.get(reverse("documents:download", args=[job.pk])).getvalue())
    assert len(rows) == 1 + 5  # every filed dossier, never the draft
    assert '\'=HYPERLINK("x")' in {row[3] for row in rows}


def test_progress_moves_chunk_by_chunk(staff_user, dossiers, monkeypatch):
    monkeypatch.setattr(export_writers, "CHUNK_ROWS", 2)
    seen = []
    _variant, parameters = exports.clean_parameters("export=csv&status=submitted")
    filename, content = exports.render_export(
        staff_user, lambda done, total: seen.append((done, total)), parameters=parameters
    )
    with content:
        lines = content.read().decode("utf-8-sig").splitlines()
    assert seen == [(0, 4), (2, 4), (4, 4), (4, 4)]
    assert len(lines) == 1 + 4 and filename.endswith(".csv")


def test_the_same_filters_reuse_one_job(client, staff_user, dossiers, monkeypatch, django_capture_on_commit_callbacks):
    login(client, staff_user)
    monkeypatch.setattr(exports, "JOB_THRESHOLD", 0)
    first = start_job(client, django_capture_on_commit_callbacks, {"export": "csv", "country": "SN"})
    again = start_job(client, django_capture_on_commit_callbacks, {"country": "SN", "export": "csv", "page": "3"})
    other = start_job(client, django_capture_on_commit_callbacks, {"export": "xlsx", "country": "SN"})
    assert first.pk == again.pk != other.pk
    assert DocumentJob.objects.filter(kind=exports.KIND).count() == 2


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.OPERATOR, Role.REVIEWER, Role.PARTNER, Role.COORDINATOR])
def test_only_staff_start_or_download_an_export(
    client, staff_user, dossiers, monkeypatch, role, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(exports, "JOB_THRESHOLD", 0)
    login(client, staff_user)
    job = start_job(client, django_capture_on_commit_callbacks, {"export": "csv"})
    someone = UserFactory(role=role)
    login(client, someone)
    assert client.get(reverse("reviews:applications"), {"export": "csv"}).status_code in {403, 404}
    refused = client.post(
        reverse("documents:request"), {"kind": exports.KIND, "target": someone.pk, "parameters": "export=csv"}
    )
    assert refused.status_code == 403
    assert client.get(reverse("documents:download", args=[job.pk])).status_code == 404
    assert client.get(reverse("documents:status", args=[job.pk])).status_code == 404
    assert DocumentJob.objects.filter(kind=exports.KIND).count() == 1


def test_staff_cannot_start_an_export_in_someone_elses_name(client, staff_user, dossiers):
    other_staff = UserFactory(role=Role.STAFF)
    login(client, staff_user)
    response = client.post(
        reverse("documents:request"), {"kind": exports.KIND, "target": other_staff.pk, "parameters": "export=csv"}
    )
    assert response.status_code == 403
    assert not DocumentJob.objects.exists()


def test_anonymous_is_sent_to_the_login(client, staff_user, dossiers):
    response = client.post(
        reverse("documents:request"), {"kind": exports.KIND, "target": staff_user.pk, "parameters": "export=csv"}
    )
    assert response.status_code == 302 and "/connexion/" in response["Location"]


def test_a_bad_format_or_bad_filters_is_a_french_400(client, staff_user, dossiers):
    login(client, staff_user)
    response = client.post(
        reverse("documents:request"), {"kind": exports.KIND, "target": staff_user.pk, "parameters": "export=pdf"}
    )
    assert response.status_code == 400
    assert "Format d'export inconnu" in html.unescape(response.content.decode())
    assert not DocumentJob.objects.exists()
    assert client.get(reverse("reviews:applications"), {"export": "csv", "amount_min": "beaucoup"}).status_code == 400
