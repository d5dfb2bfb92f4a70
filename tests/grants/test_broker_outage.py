"""Issue 9, fault 1 in a test: the broker is down when a dossier is submitted."""

import pytest
from django.core import mail
from django.utils import timezone
from kombu.exceptions import OperationalError

from grants import services
from grants.states import State
from outbox.models import OutboxEntry
from outbox.services import redispatch_pending
from outbox.tasks import deliver_outbox_entry

pytestmark = pytest.mark.django_db


def test_a_submission_during_an_outage_is_kept_and_its_receipt_follows(draft, applicant, monkeypatch, django_capture_on_commit_callbacks):
    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(deliver_outbox_entry, "delay", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_application(application=draft, by=applicant)
    draft.refresh_from_db()
    assert draft.status == State.SUBMITTED and draft.reference == "PRA-2026-0001"
    assert mail.outbox == []
    entry = OutboxEntry.objects.get(task_name="grants.tasks.send_transition_emails")
    assert entry.done_at is None and entry.dispatched_at is None

    monkeypatch.undo()  # Redis is back; a minute later beat runs the sweep
    OutboxEntry.objects.update(created_at=timezone.now() - timezone.timedelta(minutes=2), last_attempt_at=None)
    with django_capture_on_commit_callbacks(execute=True):  # the task records one e-mail per reader, sent on commit
        assert redispatch_pending() == 1
    receipt = next(m for m in mail.outbox if m.to == [applicant.email])
    assert "PRA-2026-0001" in receipt.subject
    assert receipt.attachments[0][0] == "accuse-de-depot-PRA-2026-0001.pdf"
    assert redispatch_pending() == 0 and len([m for m in mail.outbox if m.to == [applicant.email]]) == 1
