"""Every declared state machine: its legal moves, a refused move (French message, 4xx), its audit rows."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from awards.models import Report, ReportKind, ReportStatus
from documents.models import DocumentJob, JobStatus
from documents.services import mark_failed
from events import services as events
from events.models import CeremonyInvitation, InvitationStatus, RegistrationStatus
from forim_portal.errors import Conflict, DomainError
from grants.states import State
from lifecycle.engine import fire, machine_for, machines
from lifecycle.models import StateChange
from members import services as members
from members.models import Invitation, OrganisationStatus
from reviews import services as reviews
from reviews.models import SessionStatus
from tests.conftest import login
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import ApplicationFactory, CallFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def audit(obj):
    return [(c.transition, c.from_state, c.to_state, c.by, c.comment) for c in machine_for(obj).history(obj)]


def test_the_workflow_page_lists_every_machine_with_its_guards(staff_user, client):
    login(client, staff_user)
    page = client.get(reverse("reviews:workflow")).content.decode()
    assert len(machines()) == 9  # the ninth: the statement of intent of two-stage calls (intents)
    for machine in machines():
        assert f'id="machine-{machine.name}"' in page and str(machine.label).replace("'", "&#x27;") in page
    assert page.count("<svg") == len(machines()) and page.count("<table") == len(machines())
    assert "Décision « Attribuer » enregistrée dans une séance ouverte du comité (CEP)" in page  # a guard, as text
    assert "Le procès-verbal de la séance est généré (PDF)." in page  # an effect, as text
    assert "Refusé après la date limite des manifestations d&#x27;intérêt" in page  # the statement's guard


def test_committee_session_closes_once_with_an_audit_row(staff_user, client):
    session = reviews.open_session(call=CallFactory(), date=datetime.date(2026, 12, 10), by=staff_user)
    before = timezone.now()
    reviews.close_session(session=session, by=staff_user)
    session.refresh_from_db()
    assert session.status == SessionStatus.CLOSED and session.closed_at >= before
    change = StateChange.objects.get(machine="committee_session", object_id=session.pk)
    assert (change.transition, change.from_state, change.to_state, change.by) == ("close", "open", "closed", staff_user)
    assert change.at >= before
    assert DocumentJob.objects.filter(kind="minutes", target_id=session.pk).exists()  # the declared effect ran
    login(client, staff_user)
    response = client.post(reverse("reviews:committee_detail", args=[session.pk]), {"close": "1"})
    assert response.status_code == 400 and "Cette séance est déjà clôturée." in response.content.decode()
    assert StateChange.objects.filter(machine="committee_session").count() == 1


def test_the_committee_guard_reads_the_decision_row_not_a_hidden_flag(staff_user, applicant, association):
    from reviews.models import CommitteeDecision

    call = CallFactory()
    application = ApplicationFactory(call=call, organisation=association)
    fire(application, "submit", by=applicant)
    for name in ("declare_admissible", "start_review", "send_to_committee"):
        fire(application, name, by=staff_user)
    with pytest.raises(DomainError, match="se prend en comité") as error:
        fire(application, "reject", by=staff_user, comment="Hors sujet")
    assert error.value.code == "outside_committee"
    session = reviews.open_session(call=call, date=datetime.date(2026, 12, 10), by=staff_user)
    CommitteeDecision.objects.create(
        session=session, application=application, outcome="defer", reason="À revoir", decided_by=staff_user
    )
    with pytest.raises(DomainError, match="se prend en comité"):  # the decision on record is another one
        fire(application, "reject", by=staff_user, comment="Hors sujet")
    fire(application, "defer", by=staff_user, comment="À revoir")
    assert application.status == State.DEFERRED
    fire(application, "send_to_committee", by=staff_user)
    with pytest.raises(DomainError, match="se prend en comité"):  # the old decision predates this presentation
        fire(application, "defer", by=staff_user, comment="Encore")


def test_registration_cancel_promotes_the_waiting_person_and_refuses_twice(applicant, client):
    event = EventFactory(capacity=1)
    mine = RegistrationFactory(event=event, user=applicant, email=applicant.email)
    waiting = RegistrationFactory(event=event, status=RegistrationStatus.WAITING)
    events.cancel_registration(registration=mine, by=applicant)
    mine.refresh_from_db()
    waiting.refresh_from_db()
    assert (mine.status, waiting.status) == (RegistrationStatus.CANCELLED, RegistrationStatus.CONFIRMED)
    assert audit(mine) == [("cancel", "confirmed", "cancelled", applicant, "")]
    assert audit(waiting) == [("promote", "waiting", "confirmed", None, "")]
    with pytest.raises(DomainError, match="déjà annulée"):
        events.cancel_registration(registration=mine, by=applicant)
    login(client, applicant)
    response = client.post(f"/api/v1/event-registrations/{mine.pk}/cancel/")
    assert response.status_code == 400 and "déjà annulée" in response.content.decode()


def test_ceremony_invitation_marks_are_audited(staff_user):
    call = CallFactory()
    application = ApplicationFactory(call=call, status=State.AWARDED)
    event = EventFactory(kind="ceremony", call=call)
    invitation = CeremonyInvitation.objects.create(
        event=event, application=application, organisation=application.organisation
    )
    events.mark_invitation(
        invitation=invitation, by=staff_user, status=InvitationStatus.REPRESENTED, represented_by="Sa sœur"
    )
    events.mark_invitation(invitation=invitation, by=staff_user, status=InvitationStatus.PRESENT, diploma_handed=True)
    invitation.refresh_from_db()
    assert (invitation.status, invitation.represented_by, invitation.diploma_handed, invitation.marked_by) == (
        InvitationStatus.PRESENT,
        "",
        True,
        staff_user,
    )
    assert [row[:3] for row in audit(invitation)] == [
        ("mark_represented", "invited", "represented"),
        ("mark_present", "represented", "present"),
    ]


def test_ceremony_invitation_cannot_be_marked_by_a_stranger(applicant):
    call = CallFactory()
    application = ApplicationFactory(call=call, status=State.AWARDED)
    invitation = CeremonyInvitation.objects.create(
        event=EventFactory(kind="ceremony", call=call), application=application, organisation=application.organisation
    )
    with pytest.raises(DomainError) as error:
        fire(invitation, "mark_present", by=applicant)
    assert error.value.status == 403 and "organisateur" in error.value.message


def test_organisation_validation_is_audited_and_a_stale_second_decision_is_a_409(staff_user, admin_user, client):
    organisation = OrganisationFactory(status=OrganisationStatus.PENDING)
    members.reject_organisation(organisation=organisation, by=staff_user, reason="Statuts illisibles")
    members.validate_organisation(organisation=organisation, by=admin_user)
    organisation.refresh_from_db()
    assert (organisation.status, organisation.validated_by, organisation.status_reason) == (
        OrganisationStatus.VALIDATED,
        admin_user,
        "",
    )
    assert audit(organisation) == [
        ("reject", "pending", "rejected", staff_user, "Statuts illisibles"),
        ("validate", "rejected", "validated", admin_user, ""),
    ]
    with pytest.raises(Conflict, match="déjà « Validée »"):
        members.reject_organisation(organisation=organisation, by=staff_user, reason="Doublon")
    login(client, staff_user)
    response = client.post(reverse("members:organisation_validate", args=[organisation.pk]))
    assert response.status_code == 409 and "déjà « Validée »" in response.content.decode()


def test_member_invitation_accept_then_revoke_is_refused(association, applicant, password):
    invitation = members.invite_member(organisation=association, by=applicant, email="nouvelle@example.org")
    again = members.invite_member(organisation=association, by=applicant, email="nouvelle@example.org")
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None and audit(invitation)[0][:4] == ("revoke", "open", "revoked", applicant)
    _organisation, user = members.accept_invitation(
        token=again.token, account={"password": password, "first_name": "Awa"}
    )
    again.refresh_from_db()
    assert again.accepted_by == user and audit(again) == [("accept", "open", "accepted", user, "")]
    with pytest.raises(DomainError, match="Acceptée"):
        members.revoke_invitation(invitation=again, by=applicant)
    assert Invitation.objects.get(pk=again.pk).revoked_at is None


def test_report_moves_and_refusals(association, applicant, staff_user, client):
    application = ApplicationFactory(organisation=association, status=State.IN_PROGRESS)
    report = Report.objects.create(
        application=application, kind=ReportKind.INTERIM, number=1, due_on=datetime.date(2026, 6, 1)
    )
    login(client, applicant)
    response = client.post(reverse("awards:report", args=[report.pk]), {"narrative": "", "submit": "1"})
    assert response.status_code == 400 and "Avant de remettre le rapport" in response.content.decode()
    report.narrative = "Forage terminé."
    report.save(update_fields=["narrative"])
    from awards import services as awards

    awards.submit_report(report=report, by=applicant)
    with pytest.raises(DomainError, match="compléments attendus") as error:
        awards.review_report(report=report, by=staff_user, approve=False)
    assert error.value.code == "comment_required"
    awards.review_report(report=report, by=staff_user, approve=False, comment="Ajoutez les factures.")
    awards.submit_report(report=report, by=applicant)
    awards.review_report(report=report, by=staff_user, approve=True)
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED and report.reviewed_by == staff_user
    assert [row[:3] for row in audit(report)] == [
        ("submit", "expected", "submitted"),
        ("request_changes", "submitted", "changes_requested"),
        ("submit", "changes_requested", "submitted"),
        ("approve", "submitted", "approved"),
    ]
    with pytest.raises(DomainError, match="déjà été remis"):
        awards.submit_report(report=report, by=applicant)


def test_document_job_is_moved_by_the_system_only(association, applicant):
    from django.contrib.contenttypes.models import ContentType

    job = DocumentJob.objects.create(
        kind="receipt", target_type=ContentType.objects.get_for_model(association), target_id=association.pk
    )
    fire(job, "start", by=None, values={"attempts": 1})
    with pytest.raises(DomainError) as error:
        fire(job, "finish", by=applicant, values={"filename": "x.pdf"})
    assert error.value.status == 403
    assert mark_failed(job.pk, "Panne") is True
    assert mark_failed(job.pk, "Encore") is False  # already failed: left as it is
    job.refresh_from_db()
    assert (job.status, job.error) == (JobStatus.FAILED, "Panne")
    assert [row[:3] for row in audit(job)] == [("start", "queued", "running"), ("fail", "running", "failed")]


def test_a_stale_page_gets_a_conflict_naming_who_moved_first(staff_user, admin_user):
    session = reviews.open_session(call=CallFactory(), date=datetime.date(2026, 12, 10), by=staff_user)
    stale = type(session).objects.get(pk=session.pk)
    reviews.close_session(session=session, by=admin_user)
    with pytest.raises(Conflict) as error:
        fire(stale, "close", by=staff_user, expected_state=SessionStatus.OPEN)
    assert str(admin_user) in error.value.message and error.value.status == 409
    assert StateChange.objects.filter(machine="committee_session").count() == 1
