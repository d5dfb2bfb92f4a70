import pytest
from django.core import mail

from forim_portal.errors import Conflict, DomainError
from grants import workflow
from grants.models import Transition
from grants.states import State
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(association):
    return ApplicationFactory(organisation=association)


def test_submit_moves_the_dossier_and_leaves_an_audit_entry(application, applicant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        record = workflow.fire(application, "submit", by=applicant)
    application.refresh_from_db()
    assert application.status == State.SUBMITTED
    assert application.submitted_at is not None
    assert (record.from_state, record.to_state, record.by) == (State.DRAFT, State.SUBMITTED, applicant)
    assert Transition.objects.filter(application=application).count() == 1
    assert applicant.email in [m.to[0] for m in mail.outbox]


def test_an_illegal_transition_is_refused_with_a_message(application, staff_user):
    with pytest.raises(DomainError) as error:
        workflow.fire(application, "award", by=staff_user)
    assert "impossible" in str(error.value)
    application.refresh_from_db()
    assert application.status == State.DRAFT
    assert not Transition.objects.exists()


def test_another_association_cannot_fire_a_transition(application, other_applicant):
    with pytest.raises(DomainError) as error:
        workflow.fire(application, "submit", by=other_applicant)
    assert error.value.status == 403


def test_a_reason_is_required_to_declare_inadmissible(application, applicant, staff_user):
    workflow.fire(application, "submit", by=applicant)
    with pytest.raises(DomainError, match="motif"):
        workflow.fire(application, "declare_inadmissible", by=staff_user)


def test_second_decider_is_told_someone_else_acted(application, applicant, staff_user):
    workflow.fire(application, "submit", by=applicant)
    seen_state = State.SUBMITTED
    workflow.fire(application, "declare_admissible", by=staff_user, expected_state=seen_state)
    stale = type(application).objects.get(pk=application.pk)
    stale.status = seen_state  # what the second person's page still shows
    with pytest.raises(Conflict) as error:
        workflow.fire(stale, "declare_inadmissible", by=staff_user, comment="pièces manquantes", expected_state=seen_state)
    assert "vient d'être modifié" in str(error.value)


def test_emails_go_out_in_the_readers_language(application, applicant, django_capture_on_commit_callbacks):
    applicant.language = "en"
    applicant.save()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.fire(application, "submit", by=applicant)
    message = next(m for m in mail.outbox if m.to == [applicant.email])
    assert "Submitted" in message.subject or "Submitted" in message.body
