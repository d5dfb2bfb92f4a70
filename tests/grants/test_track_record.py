"""Track record: an association with an overdue final report or an unclosed finished project is refused,
until FORIM staff lift the rule for one dossier, with a reason (audited)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from awards.models import Report, ReportKind, ReportStatus
from forim_portal.errors import Conflict, DomainError
from grants import services
from grants.eligibility import check_application
from grants.models import Application, RuleWaiver
from grants.states import State
from grants.track_record import Unsettled, unsettled_projects
from tests.conftest import login, with_panels
from tests.factories import ApplicationFactory, CallFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 30)


def earlier(organisation, *, status=State.IN_PROGRESS, reference="PRA-2024-0007", start=None, months=12):
    call = CallFactory(year=2024)
    return ApplicationFactory(
        call=call,
        organisation=organisation,
        status=status,
        reference=reference,
        title="Case de santé à Podor",
        start_date=start or TODAY - datetime.timedelta(days=100),
        duration_months=months,
    )


def final_report(project, *, due_on, status=ReportStatus.EXPECTED):
    return Report.objects.create(application=project, kind=ReportKind.FINAL, due_on=due_on, status=status)


@pytest.fixture
def overdue(association):
    """An earlier project of the association whose final report was due ten days ago."""
    project = earlier(association)
    final_report(project, due_on=timezone.localdate() - datetime.timedelta(days=10))
    return project


def track_record(application):
    return next(result for result in check_application(application) if result.code == "track_record")


def test_unsettled_projects_lists_overdue_final_reports_and_unclosed_finished_projects(association, other_association):
    late = earlier(association, reference="PRA-2023-0002")
    final_report(late, due_on=datetime.date(2026, 9, 1))
    finished = earlier(
        association,
        reference="PRA-2022-0005",
        status=State.AGREEMENT_SIGNED,
        start=datetime.date(2024, 3, 1),
        months=18,
    )
    for status in (ReportStatus.SUBMITTED, ReportStatus.APPROVED):  # handed in: settled
        final_report(
            earlier(association, reference=f"PRA-2024-{status[:4]}"), due_on=datetime.date(2026, 1, 1), status=status
        )
    final_report(earlier(association, reference="PRA-2026-0001"), due_on=TODAY)  # due today: not late yet
    earlier(association, reference="PRA-2021-0001", status=State.CLOSED, start=datetime.date(2021, 1, 1))
    earlier(association, reference="PRA-2020-0001", status=State.REJECTED, start=datetime.date(2020, 1, 1))
    final_report(earlier(other_association, reference="PRA-2023-0099"), due_on=datetime.date(2025, 1, 1))
    assert unsettled_projects(association, today=TODAY) == [
        Unsettled(
            reference="PRA-2023-0002",
            title="Case de santé à Podor",
            reason="rapport final attendu le 01/09/2026, non remis",
        ),
        Unsettled(
            reference="PRA-2022-0005",
            title="Case de santé à Podor",
            reason="projet terminé le 01/09/2025 et non clôturé",
        ),
    ]
    assert (
        unsettled_projects(association, today=TODAY, exclude=late.pk)
        == unsettled_projects(association, today=TODAY)[1:]
    )
    assert (
        unsettled_projects(finished.organisation, today=datetime.date(2025, 9, 1)) == []
    )  # the last day is not past yet
    assert unsettled_projects(None, today=TODAY) == []


def test_the_service_refuses_then_accepts_once_staff_lift_the_rule(draft, overdue, applicant, staff_user):
    result = track_record(draft)
    assert not result.ok and result.field == "association"
    assert "PRA-2024-0007 « Case de santé à Podor » : rapport final attendu le" in result.message
    with pytest.raises(DomainError) as refusal:
        services.submit_application(application=draft, by=applicant)
    assert refusal.value.status == 400 and "PRA-2024-0007" in refusal.value.message
    with pytest.raises(DomainError) as forbidden:
        services.lift_rule(application=draft, rule="track_record", reason="Je lève", by=applicant)
    assert forbidden.value.status == 403
    with pytest.raises(DomainError, match="Indiquez pourquoi"):
        services.lift_rule(application=draft, rule="track_record", reason="  ", by=staff_user)
    with pytest.raises(DomainError, match="ne peut pas être levée"):
        services.lift_rule(application=draft, rule="country", reason="Pourquoi pas", by=staff_user)
    waiver = services.lift_rule(
        application=draft,
        rule="track_record",
        reason="Rapport reçu par courrier le 20/11, en cours de saisie.",
        by=staff_user,
    )
    assert (waiver.by, waiver.reason, waiver.rule) == (
        staff_user,
        "Rapport reçu par courrier le 20/11, en cours de saisie.",
        "track_record",
    )
    assert abs(waiver.at - timezone.now()) < datetime.timedelta(minutes=1)
    with pytest.raises(Conflict):
        services.lift_rule(application=draft, rule="track_record", reason="Encore", by=staff_user)
    result = track_record(draft)
    assert result.ok and result.message == "" and "Rapport reçu par courrier le 20/11" in result.waiver
    assert staff_user.get_full_name() in result.waiver
    services.submit_application(application=draft, by=applicant)
    assert Application.objects.get(pk=draft.pk).status == State.SUBMITTED
    assert RuleWaiver.objects.count() == 1


def test_a_waiver_is_for_one_dossier_only(draft, other_draft, overdue, association, applicant, staff_user):
    second = ApplicationFactory(call=other_draft.call, organisation=association, created_by=applicant)
    services.lift_rule(application=draft, rule="track_record", reason="Accord du directeur", by=staff_user)
    assert track_record(draft).ok and not track_record(second).ok


def test_a_call_without_the_rule_does_not_check_it(draft, overdue, call):
    call.track_record_required = False
    call.save()
    assert "track_record" not in {result.code for result in check_application(draft)}


def test_the_pages_refuse_then_staff_lift_the_rule_then_the_dossier_is_filed(
    client, draft, overdue, applicant, staff_user, reviewer
):
    response = login(client, applicant).post(reverse("grants:submit", args=[draft.pk]))
    assert response.status_code == 400
    assert "PRA-2024-0007 « Case de santé à Podor » : rapport final attendu le" in response.content.decode()
    lift = reverse("grants:lift_rule", args=[draft.pk])
    assert client.post(lift, {"rule": "track_record", "reason": "Je me l'accorde"}).status_code == 403
    login(client, reviewer)
    assert client.post(lift, {"rule": "track_record", "reason": "Pourquoi pas"}).status_code == 403
    assert not RuleWaiver.objects.exists()
    login(client, staff_user)
    page = client.get(
        reverse("grants:application_detail", args=[draft.pk])
    ).content.decode()  # a draft: not yet on the instruction page
    assert "Règles levées pour ce dossier" in page and "PRA-2024-0007" in page
    response = client.post(lift, {"rule": "track_record", "reason": ""})
    assert response.status_code == 400 and not RuleWaiver.objects.exists()
    response = client.post(lift, {"rule": "track_record", "reason": "Rapport final remis en main propre le 25/11."})
    assert response.status_code == 302 and response.url.endswith("#waivers")
    page = client.get(reverse("grants:application_detail", args=[draft.pk])).content.decode()
    assert "Rapport final remis en main propre le 25/11." in page and f"levée par {staff_user.get_full_name()}" in page
    again = client.post(lift, {"rule": "track_record", "reason": "Encore"})
    assert again.status_code == 409 and "déjà levée" in again.content.decode()
    response = login(client, applicant).post(reverse("grants:submit", args=[draft.pk]))
    assert response.status_code == 302
    assert Application.objects.get(pk=draft.pk).status == State.SUBMITTED


def test_the_api_refuses_then_staff_lift_the_rule(draft, overdue, applicant, other_applicant, staff_user):
    api = APIClient()
    api.force_authenticate(applicant)
    response = api.post(f"/api/v1/applications/{draft.pk}/submit/")
    assert response.status_code == 400 and "PRA-2024-0007" in str(response.json())
    url = f"/api/v1/applications/{draft.pk}/lift-rule/"
    body = {"rule": "track_record", "reason": "Rapport reçu"}
    assert api.post(url, body, format="json").status_code == 403
    api.force_authenticate(other_applicant)
    assert api.post(url, body, format="json").status_code == 403
    assert not RuleWaiver.objects.exists()
    api.force_authenticate(staff_user)
    assert api.post(url, {"rule": "track_record", "reason": "Rapport reçu", "by": 1}, format="json").status_code == 400
    assert api.post(url, {"rule": "autre", "reason": "Rapport reçu"}, format="json").status_code == 400
    response = api.post(url, body, format="json")
    assert response.status_code == 201
    assert response.json()["rule"] == "track_record" and response.json()["reason"] == "Rapport reçu"
    assert api.post(url, body, format="json").status_code == 409
    api.force_authenticate(applicant)
    rule = next(r for r in api.get(f"/api/v1/applications/{draft.pk}/").json()["rules"] if r["code"] == "track_record")
    assert rule["ok"] is True and "Rapport reçu" in rule["waiver"]
    assert api.post(f"/api/v1/applications/{draft.pk}/submit/").status_code == 200
    assert RuleWaiver.objects.get().by == staff_user


def test_the_instruction_page_shows_the_waiver_of_a_filed_dossier(client, draft, overdue, applicant, staff_user):
    services.lift_rule(application=draft, rule="track_record", reason="Accord de la direction du 24/11.", by=staff_user)
    services.submit_application(application=draft, by=applicant)
    page = with_panels(login(client, staff_user).get(reverse("reviews:application_detail", args=[draft.pk])), client)
    assert "Accord de la direction du 24/11." in page and "Projets précédents à jour" in page
    assert page.count("Règle levée par") >= 1  # the automatic rule reads "passed, with the waiver"
