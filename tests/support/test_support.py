"""Accompaniment: agreements and logs, the operator's one page, FORIM's activity view, access per operator."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from forim_portal.errors import DomainError
from grants.states import State
from members.models import MemberRole
from support import services
from support.models import AccompanimentAgreement, SupportLog
from support.selectors import operator_overview
from tests.conftest import login
from tests.factories import ApplicationFactory, MembershipFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 23)


def _log(operator, association, user, **values):
    defaults = {"date": timezone.localdate() - datetime.timedelta(days=2), "kind": "meeting", "hours": Decimal("1.50"),
                "notes": "Diagnostic", "next_step": "Envoyer le budget"}
    return services.add_log(by=user, operator=operator, association=association, **{**defaults, **values})


def test_add_log_and_refusals(accompanied, stranger, operator_org, operator_user):
    amf = accompanied[0]
    log = _log(operator_org, amf, operator_user)
    assert (log.hours, log.created_by) == (Decimal("1.50"), operator_user)
    with pytest.raises(DomainError) as error:
        _log(operator_org, stranger, operator_user)
    assert error.value.status == 404
    with pytest.raises(DomainError, match="futur"):
        _log(operator_org, amf, operator_user, date=timezone.localdate() + datetime.timedelta(days=1))
    with pytest.raises(DomainError, match="après cette date"):
        _log(operator_org, amf, operator_user, next_step_on=timezone.localdate() - datetime.timedelta(days=10))
    with pytest.raises(DomainError):
        _log(operator_org, amf, operator_user, hours=Decimal("0"))
    assert SupportLog.objects.count() == 1


def test_a_viewer_of_the_operator_cannot_log(accompanied, operator_org):
    viewer = MembershipFactory(organisation=operator_org, role=MemberRole.VIEWER).user
    with pytest.raises(DomainError) as error:
        _log(operator_org, accompanied[0], viewer)
    assert error.value.status == 403


def test_agreement_dates_and_duplicates(stranger, operator_org, operator_user, association):
    agreement = services.add_agreement(by=operator_user, operator=operator_org, association=association,
                                       signed_on=datetime.date(2026, 9, 15))
    assert agreement.pk
    with pytest.raises(DomainError, match="déjà enregistrée"):
        services.add_agreement(by=operator_user, operator=operator_org, association=association, signed_on=datetime.date(2026, 9, 15))
    with pytest.raises(DomainError, match="doit suivre la signature"):
        services.add_agreement(by=operator_user, operator=operator_org, association=association,
                               signed_on=datetime.date(2026, 9, 1), ends_on=datetime.date(2026, 8, 1))
    with pytest.raises(DomainError) as error:
        services.add_agreement(by=operator_user, operator=stranger.operator, association=association, signed_on=datetime.date(2026, 9, 1))
    assert error.value.status == 403
    assert AccompanimentAgreement.objects.count() == 1


def test_overview_lists_dossiers_reports_and_what_is_late(accompanied, stranger, operator_org, operator_user):
    from awards.models import Report

    amf, pafha = accompanied
    funded = ApplicationFactory(organisation=amf, status=State.IN_PROGRESS, title="Adduction d'eau à Tafraout")
    Report.objects.create(application=funded, kind="interim", number=1, due_on=TODAY - datetime.timedelta(days=20))
    ApplicationFactory(organisation=pafha, status=State.CORRECTIONS_REQUESTED, reference="PRA-2026-007")
    ApplicationFactory(organisation=stranger, status=State.IN_PROGRESS)
    _log(operator_org, pafha, operator_user, date=TODAY - datetime.timedelta(days=30), hours=Decimal("4"),
         next_step_on=TODAY - datetime.timedelta(days=5), next_step="Réunir les statuts")
    rows = {row.name: row for row in operator_overview([operator_org.pk], today=TODAY)}
    assert set(rows) == {amf.name, pafha.name}
    assert [d.title for d in rows[amf.name].dossiers] == ["Adduction d'eau à Tafraout"]
    assert len(rows[amf.name].late_reports) == 1
    assert any("Rapport en retard" in item for item in rows[amf.name].late)
    assert any("Aucune convention" in item for item in rows[amf.name].late)
    pafha_late = rows[pafha.name].late
    assert any("Corrections demandées sur le dossier PRA-2026-007" in item for item in pafha_late)
    assert any("Prochaine étape dépassée : Réunir les statuts" in item for item in pafha_late)
    assert (rows[pafha.name].hours, rows[pafha.name].log_count) == (Decimal("4.00"), 1)


def test_operator_page_queries_constant(client, accompanied, operator_org, operator_user, django_assert_max_num_queries):
    from tests.factories import OrganisationFactory

    login(client, operator_user)
    with django_assert_max_num_queries(30) as captured:
        client.get("/accompagnement/")
    few = len(captured)
    for _ in range(15):
        organisation = OrganisationFactory(operator=operator_org)
        ApplicationFactory(organisation=organisation)
        _log(operator_org, organisation, operator_user)
    with django_assert_max_num_queries(few):
        response = client.get("/accompagnement/")
    assert len(response.context["associations"]) == 17


def test_operator_page_shows_only_its_associations(client, accompanied, stranger, operator_user, other_operator_user):
    login(client, operator_user)
    page = client.get("/accompagnement/").content.decode()
    assert "Association des Marocains en France" in page and "Plateforme des associations franco-haïtiennes" in page
    assert stranger.name not in page
    login(client, other_operator_user)
    names = {a.name for a in client.get("/accompagnement/").context["associations"]}
    assert names == {stranger.name}


def test_association_page_is_404_for_other_operators_and_applicants(client, accompanied, stranger, operator_user,
                                                                    other_operator_user, applicant):
    amf = accompanied[0]
    login(client, operator_user)
    assert client.get(f"/accompagnement/associations/{amf.pk}/").status_code == 200
    assert client.get(f"/accompagnement/associations/{stranger.pk}/").status_code == 404
    response = client.post(f"/accompagnement/associations/{stranger.pk}/suivi/",
                           {"date": "2026-11-01", "kind": "call", "hours": "1"})
    assert response.status_code == 404
    login(client, other_operator_user)
    assert client.get(f"/accompagnement/associations/{amf.pk}/").status_code == 404
    login(client, applicant)
    assert client.get("/accompagnement/").status_code == 403
    assert client.get(f"/accompagnement/associations/{amf.pk}/").status_code == 404
    assert client.get("/accompagnement/activite/").status_code == 403
    assert not SupportLog.objects.exists()


def test_log_form_keeps_input_on_error(client, accompanied, operator_user):
    amf = accompanied[0]
    login(client, operator_user)
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    response = client.post(f"/accompagnement/associations/{amf.pk}/suivi/",
                           {"date": future, "kind": "workshop", "hours": "3", "notes": "Cadre logique et budget"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "ne peut pas être dans le futur" in page and "Cadre logique et budget" in page
    response = client.post(f"/accompagnement/associations/{amf.pk}/suivi/",
                           {"date": "2026-11-02", "kind": "workshop", "hours": "3", "notes": "Cadre logique et budget"})
    assert response.status_code == 302
    assert SupportLog.objects.get().association == amf


def test_agreement_upload_and_download_only_for_its_operator(client, accompanied, operator_user, other_operator_user):
    amf = accompanied[0]
    login(client, operator_user)
    pdf = SimpleUploadedFile("convention.pdf", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf")
    response = client.post(f"/accompagnement/associations/{amf.pk}/convention/", {"signed_on": "2026-09-15", "file": pdf})
    assert response.status_code == 302, response.content.decode()[:2000]
    agreement = AccompanimentAgreement.objects.get(association=amf)
    assert client.get(f"/accompagnement/conventions/{agreement.pk}/fichier/").status_code == 200
    login(client, other_operator_user)
    assert client.get(f"/accompagnement/conventions/{agreement.pk}/fichier/").status_code == 404


def test_staff_activity_filters_and_exports(client, accompanied, stranger, operator_org, operator_user, other_operator_user, staff_user):
    amf, pafha = accompanied
    _log(operator_org, amf, operator_user, kind="workshop", hours=Decimal("6"))
    _log(operator_org, pafha, operator_user, kind="call", hours=Decimal("1"))
    _log(stranger.operator, stranger, other_operator_user, kind="field_visit", hours=Decimal("8"))
    login(client, staff_user)
    response = client.get("/accompagnement/activite/")
    assert response.context["total"] == 3
    assert {(r["operator__name"], r["hours"]) for r in response.context["by_operator"]} == {
        (operator_org.name, Decimal("7.00")), (stranger.operator.name, Decimal("8.00"))}
    response = client.get(f"/accompagnement/activite/?operator={operator_org.pk}&kind=workshop")
    assert [log.association for log in response.context["logs"]] == [amf]
    csv = client.get(f"/accompagnement/activite/?operator={operator_org.pk}&format=csv").content.decode("utf-8-sig")
    assert csv.count("\n") == 3 and "Atelier d'écriture" in csv and stranger.name not in csv
    sheet = load_workbook(io.BytesIO(client.get("/accompagnement/activite/?format=xlsx").content)).active
    assert sheet.max_row == 4
    assert client.get("/accompagnement/activite/?date_after=pas-une-date").status_code == 200


def test_operator_exports_only_its_own_activity(client, accompanied, stranger, operator_org, operator_user, other_operator_user):
    _log(operator_org, accompanied[0], operator_user)
    _log(stranger.operator, stranger, other_operator_user)
    login(client, operator_user)
    assert client.get("/accompagnement/activite/").status_code == 403
    csv = client.get("/accompagnement/mon-activite/?format=csv").content.decode("utf-8-sig")
    assert accompanied[0].name in csv and stranger.name not in csv
    # guessing another operator in the filter shows nothing of theirs
    response = client.get(f"/accompagnement/mon-activite/?operator={stranger.operator.pk}")
    assert list(response.context["logs"]) == []


def test_staff_activity_queries_constant(client, accompanied, operator_org, operator_user, staff_user, django_assert_max_num_queries):
    login(client, staff_user)
    _log(operator_org, accompanied[0], operator_user)
    with django_assert_max_num_queries(20) as captured:
        client.get("/accompagnement/activite/")
    few = len(captured)
    for _ in range(25):
        _log(operator_org, accompanied[1], operator_user)
    with django_assert_max_num_queries(few):
        client.get("/accompagnement/activite/")


def test_home_section_for_operators(client, accompanied, operator_user):
    login(client, operator_user)
    page = client.get("/").content.decode()
    assert "Associations accompagnées" in page and "AMF" in page and "PAFHA" in page


def test_api_logs_visibility_and_create(accompanied, stranger, operator_org, operator_user, other_operator_user):
    api = APIClient()
    api.force_authenticate(operator_user)
    response = api.post("/api/v1/support/logs/", {"association": accompanied[0].pk, "date": "2026-11-02", "kind": "call",
                                                   "hours": "1.00", "notes": "Point budget"}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["operator"] == operator_org.pk
    response = api.post("/api/v1/support/logs/", {"association": stranger.pk, "date": "2026-11-02", "kind": "call", "hours": "1"},
                        format="json")
    assert response.status_code == 404
    api.force_authenticate(other_operator_user)
    assert api.get("/api/v1/support/logs/").json()["results"] == []
    assert api.get(f"/api/v1/support/logs/{SupportLog.objects.get().pk}/").status_code == 404
    assert api.get("/api/v1/support/agreements/").json()["results"] == []


def test_staff_open_any_operators_page(client, accompanied, stranger, operator_org, staff_user, operator_user):
    login(client, staff_user)
    response = client.get(f"/accompagnement/?operateur={operator_org.pk}")
    assert {a.name for a in response.context["associations"]} == {a.name for a in accompanied}
    assert client.get(f"/accompagnement/?operateur={accompanied[0].pk}").status_code == 404  # not an operator
    assert client.get("/accompagnement/?operateur=abc").status_code == 404
    assert client.get("/accompagnement/").status_code == 302
    login(client, operator_user)  # an operator cannot look at another one's page this way
    response = client.get(f"/accompagnement/?operateur={stranger.operator.pk}")
    assert stranger.name not in {a.name for a in response.context["associations"]}


def test_operator_page_holds_without_the_awards_app(client, accompanied, operator_user, monkeypatch):
    """Reports come from the awards app, imported lazily: without it the page still answers, with no late report."""
    import sys

    monkeypatch.setitem(sys.modules, "awards.selectors", None)  # makes `from awards.selectors import ...` fail
    login(client, operator_user)
    response = client.get("/accompagnement/")
    assert response.status_code == 200
    assert all(a.late_reports == [] for a in response.context["associations"])


def test_hours_typed_with_a_french_comma_are_read_as_such(client, accompanied, operator_user):
    login(client, operator_user)
    response = client.post(f"/accompagnement/associations/{accompanied[0].pk}/suivi/",
                           {"date": "2026-11-02", "kind": "meeting", "hours": "2,5", "notes": "Budget"})
    assert response.status_code == 302
    assert SupportLog.objects.get().hours == Decimal("2.50")
    page = client.get(f"/accompagnement/associations/{accompanied[0].pk}/").content.decode()
    assert 'inputmode="decimal"' in page


def test_the_operator_corrects_then_deletes_its_log(client, accompanied, operator_org, operator_user):
    log = _log(operator_org, accompanied[0], operator_user, hours=Decimal("25"))
    login(client, operator_user)
    page = client.get(f"/accompagnement/associations/{accompanied[0].pk}/").content.decode()
    assert f"/accompagnement/suivis/{log.pk}/modifier/" in page
    form = client.get(f"/accompagnement/suivis/{log.pk}/modifier/")
    assert form.status_code == 200 and "Diagnostic" in form.content.decode()
    values = {"date": log.date.isoformat(), "kind": "meeting", "hours": "2,5", "notes": "Diagnostic corrigé", "next_step": ""}
    refused = client.post(f"/accompagnement/suivis/{log.pk}/modifier/", {**values, "hours": "deux"})
    assert refused.status_code == 400 and "Diagnostic corrigé" in refused.content.decode()
    assert client.post(f"/accompagnement/suivis/{log.pk}/modifier/", values).status_code == 302
    log.refresh_from_db()
    assert (log.hours, log.notes, log.operator, log.association) == (Decimal("2.50"), "Diagnostic corrigé", operator_org, accompanied[0])
    assert client.post(f"/accompagnement/suivis/{log.pk}/supprimer/").status_code == 302
    assert not SupportLog.objects.exists()


def test_nobody_else_changes_an_operators_log(client, accompanied, operator_org, operator_user, other_operator_user, applicant):
    log = _log(operator_org, accompanied[0], operator_user)
    viewer = MembershipFactory(organisation=operator_org, role=MemberRole.VIEWER).user
    for intruder, status in ((other_operator_user, 404), (applicant, 404), (viewer, 403)):
        login(client, intruder)
        assert client.get(f"/accompagnement/suivis/{log.pk}/modifier/").status_code == status
        assert client.post(f"/accompagnement/suivis/{log.pk}/supprimer/").status_code == status
    assert SupportLog.objects.filter(pk=log.pk, hours=Decimal("1.50")).exists()


def test_api_corrects_and_deletes_through_the_same_rules(accompanied, operator_org, operator_user, other_operator_user):
    log = _log(operator_org, accompanied[0], operator_user)
    api = APIClient()
    api.force_authenticate(other_operator_user)
    assert api.patch(f"/api/v1/support/logs/{log.pk}/", {"hours": "3"}, format="json").status_code == 404
    api.force_authenticate(operator_user)
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    refused = api.patch(f"/api/v1/support/logs/{log.pk}/", {"date": future}, format="json")
    assert refused.status_code == 400 and "futur" in str(refused.json())
    moved = api.patch(f"/api/v1/support/logs/{log.pk}/", {"association": accompanied[1].pk}, format="json")
    assert moved.status_code == 400
    response = api.patch(f"/api/v1/support/logs/{log.pk}/", {"hours": "3.25"}, format="json")
    assert response.status_code == 200 and response.json()["hours"] == "3.25"
    assert api.delete(f"/api/v1/support/logs/{log.pk}/").status_code == 204
    assert not SupportLog.objects.exists()
