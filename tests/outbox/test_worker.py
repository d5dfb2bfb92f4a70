"""Through a real Celery worker on Redis (CI starts one on the test database)."""

import time

import pytest

from forim_portal.celery import ping
from outbox import services
from outbox.models import OutboxEntry

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_real_worker_runs_an_entry_and_marks_it_done(celery_worker_available):
    entry = services.send_after_commit(ping, "outbox")  # autocommit: dispatched at once
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        entry.refresh_from_db()
        if entry.done_at:
            break
        time.sleep(0.3)
    assert entry.done_at is not None and entry.dispatched_at is not None and entry.last_error == ""
    assert OutboxEntry.objects.filter(done_at__isnull=True).count() == 0


def test_a_real_worker_sends_each_recipient_its_own_email(celery_worker_available):
    from outbox.mail import send_mail
    from outbox.models import EntryStatus

    entries = send_mail(  # autocommit: each entry is dispatched at once
        to=["a@example.org", "b@example.org"],
        subject_template="members/email/rejected_subject.txt",
        body_template="members/email/rejected.txt",
        context={"organisation": "AMF", "reason": "Par le worker"},
    )
    rows = OutboxEntry.objects.filter(pk__in=[entry.pk for entry in entries])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and rows.exclude(status=EntryStatus.DONE).exists():
        time.sleep(0.3)
    assert sorted(rows.values_list("to", "status")) == [
        ("a@example.org", EntryStatus.DONE),
        ("b@example.org", EntryStatus.DONE),
    ]
