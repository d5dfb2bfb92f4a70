"""The outbox: an action's e-mails are recorded with the action, one per recipient, survive a
broker outage, and reach each recipient once."""

import pytest
from celery import shared_task
from django.core import mail
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from outbox import services
from outbox.mail import ATTACHMENT_BUILDERS, register_attachment, send_mail
from outbox.models import EntryStatus, OutboxEntry
from outbox.tasks import deliver_outbox_entry
from tests.conftest import login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def note(to, reason="Votre dossier est déposé.", **kwargs):
    """An e-mail built from real templates (the registration refusal) with a reason of our own."""
    return send_mail(
        to=to,
        subject_template="members/email/rejected_subject.txt",
        body_template="members/email/rejected.txt",
        context={"organisation": "AMF", "reason": reason},
        **kwargs,
    )


@shared_task(name="tests.outbox.tell")
def tell(recipients, text):
    note(recipients, text)


@shared_task(name="tests.outbox.broken")
def broken(recipients):
    note(recipients)
    raise ValueError("modèle d'e-mail introuvable")


@pytest.fixture
def broker_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(deliver_outbox_entry, "delay", refuse)


def age(entry, **delta):
    """Pretend the entry was created, last handed to the broker and claimed that long ago."""
    then = timezone.now() - timezone.timedelta(**delta)
    OutboxEntry.objects.filter(pk=entry.pk).update(created_at=then, last_attempt_at=then, claimed_at=then)


def received():
    return sorted(m.to[0] for m in mail.outbox)


def test_each_recipient_gets_its_own_entry_sent_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        entries = note(["tresoriere@example.org", "", "president@example.org", "Tresoriere@example.org"])
        assert mail.outbox == []  # nothing leaves before the action commits
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["tresoriere@example.org"], "Inscription non validée : AMF"),
        (["president@example.org"], "Inscription non validée : AMF"),
    ]
    assert "Votre dossier est déposé." in mail.outbox[0].body
    rows = OutboxEntry.objects.filter(pk__in=[e.pk for e in entries])
    assert sorted(rows.values_list("to", "status", "attempts")) == [
        ("president@example.org", EntryStatus.DONE, 1),
        ("tresoriere@example.org", EntryStatus.DONE, 1),
    ]
    assert all(row.done_at and row.dispatched_at and row.claimed_at for row in rows)


def test_each_reader_gets_the_email_in_their_language(django_capture_on_commit_callbacks):
    UserFactory(email="treasurer@example.org", language="en")
    with django_capture_on_commit_callbacks(execute=True):
        note(["treasurer@example.org", "tresoriere@example.org"])
    assert {m.to[0]: m.subject for m in mail.outbox} == {
        "treasurer@example.org": "Registration not approved: AMF",
        "tresoriere@example.org": "Inscription non validée : AMF",
    }


def test_an_action_rolled_back_records_nothing_and_sends_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        note(["tresoriere@example.org"], "Jamais envoyé")
        services.send_after_commit(tell, ["president@example.org"], "Jamais envoyé non plus")
        raise RuntimeError("the action failed")
    assert OutboxEntry.objects.count() == 0 and mail.outbox == []


def test_a_task_records_one_email_per_recipient_after_commit_and_is_done(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        task = services.send_after_commit(tell, ["a@example.org", "b@example.org"], "Une note")
        assert mail.outbox == []
    task.refresh_from_db()
    assert task.status == EntryStatus.DONE and task.done_at is not None and task.attempts == 1
    assert received() == ["a@example.org", "b@example.org"]
    assert sorted(OutboxEntry.objects.exclude(pk=task.pk).values_list("to", "status")) == [
        ("a@example.org", EntryStatus.DONE),
        ("b@example.org", EntryStatus.DONE),
    ]


def test_a_task_that_fails_records_no_email_keeps_its_error_and_the_sweep_gives_up_after_max_attempts(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        entry = services.send_after_commit(broken, ["a@example.org"])
    entry.refresh_from_db()
    assert entry.status == EntryStatus.FAILED and entry.done_at is None
    assert entry.last_error == "ValueError: modèle d'e-mail introuvable"
    assert OutboxEntry.objects.count() == 1 and mail.outbox == []  # its half-written e-mail went with it
    assert services.redispatch_pending() == 0  # failed a moment ago: not yet
    age(entry, minutes=16)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.redispatch_pending() == 1
    entry.refresh_from_db()
    assert entry.attempts == 2 and entry.status == EntryStatus.FAILED and mail.outbox == []
    OutboxEntry.objects.filter(pk=entry.pk).update(attempts=services.MAX_ATTEMPTS)
    age(entry, hours=1)
    assert services.redispatch_pending() == 0


def test_an_entry_refused_by_a_broker_down_is_sent_by_the_sweep_once_it_is_back(
    broker_down, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        [entry] = note(["tresoriere@example.org"])
    entry.refresh_from_db()
    assert (
        entry.attempts == 1
        and entry.dispatched_at is None
        and entry.status == EntryStatus.PENDING
        and mail.outbox == []
    )
    assert services.redispatch_pending() == 0  # tried a moment ago: not yet
    monkeypatch.undo()  # the broker is back
    age(entry, minutes=2)
    assert services.redispatch_pending() == 1
    entry.refresh_from_db()
    assert entry.status == EntryStatus.DONE and entry.attempts == 2 and received() == ["tresoriere@example.org"]
    assert services.redispatch_pending() == 0 and len(mail.outbox) == 1


def test_a_second_delivery_of_the_same_entry_sends_nothing_more(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        [entry] = note(["tresoriere@example.org"], "Une seule fois")
    assert services.deliver(entry.pk) is False
    assert deliver_outbox_entry.delay(entry.pk).get() is False
    assert len(mail.outbox) == 1


def test_an_entry_accepted_but_never_run_is_sent_again_after_the_visibility_timeout(broker_down):
    [entry] = note(["tresoriere@example.org"], "Perdu dans Redis")  # not committed: nothing dispatched
    then = timezone.now() - timezone.timedelta(minutes=10)
    OutboxEntry.objects.filter(pk=entry.pk).update(
        created_at=then, last_attempt_at=then, dispatched_at=then, attempts=1
    )
    assert services.redispatch_pending() == 0  # accepted 10 minutes ago: maybe still queued
    assert services.pending_entries(now=timezone.now() + services.LOST_AFTER).get() == entry


def test_a_refused_recipient_is_tried_again_later_alone_and_given_up_after_max_attempts(
    smtp, django_capture_on_commit_callbacks
):
    smtp.refused = {"b@example.org"}
    with django_capture_on_commit_callbacks(execute=True):
        note(["a@example.org", "b@example.org"])
    failed = OutboxEntry.objects.get(to="b@example.org")
    assert failed.status == EntryStatus.FAILED and failed.last_error.startswith("SMTPRecipientsRefused")
    assert received() == ["a@example.org"]
    smtp.refused = set()
    assert services.redispatch_pending() == 0  # failed a moment ago: not yet
    age(failed, minutes=16)
    assert services.redispatch_pending() == 1
    assert received() == ["a@example.org", "b@example.org"]
    assert [to for to, _inside in smtp.calls] == ["a@example.org", "b@example.org", "b@example.org"]
    smtp.refused = {"c@example.org"}
    [gone] = note(["c@example.org"])
    OutboxEntry.objects.filter(pk=gone.pk).update(status=EntryStatus.FAILED, attempts=services.MAX_ATTEMPTS)
    age(gone, hours=1)
    assert services.redispatch_pending() == 0


def test_a_claim_held_by_a_worker_is_left_alone_and_one_left_by_a_dead_worker_is_sent_again():
    [entry] = note(["tresoriere@example.org"])
    assert services.claim(entry.pk) is not None
    assert services.deliver(entry.pk) is False and mail.outbox == []  # a second worker skips it
    assert services.redispatch_pending() == 0  # claimed a moment ago: still being sent
    OutboxEntry.objects.filter(pk=entry.pk).update(
        claimed_at=timezone.now() - services.CLAIM_TIMEOUT - timezone.timedelta(minutes=1)
    )
    assert services.redispatch_pending() == 1  # the worker died: sent again
    entry.refresh_from_db()
    assert entry.status == EntryStatus.DONE and received() == ["tresoriere@example.org"]


def test_attachments_are_built_when_the_email_leaves(django_capture_on_commit_callbacks):
    built = []

    def receipt(number):
        built.append(number)
        return (f"recu-{number}.txt", b"recu", "text/plain") if number else None

    register_attachment("tests.receipt", receipt)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            [entry] = note(["a@example.org"], attachments=[("tests.receipt", [7]), ("tests.receipt", [0])])
            assert built == []
    finally:
        del ATTACHMENT_BUILDERS["tests.receipt"]
    assert entry.attachments == [["tests.receipt", [7]], ["tests.receipt", [0]]]
    assert built == [7, 0] and [a[0] for a in mail.outbox[0].attachments] == ["recu-7.txt"]


def test_entries_done_long_ago_are_forgotten_pending_ones_are_kept(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        [done] = note(["a@example.org"], "ancien")
    pending = OutboxEntry.objects.create(task_name=broken.name, attempts=services.MAX_ATTEMPTS)
    OutboxEntry.objects.filter(pk=done.pk).update(done_at=timezone.now() - timezone.timedelta(days=31))
    services.redispatch_pending()
    assert list(OutboxEntry.objects.values_list("pk", flat=True)) == [pending.pk]


def test_the_admin_lists_pending_entries_and_sends_them_again(
    client, admin_user, broker_down, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        [entry] = note(["tresoriere@example.org"], "En attente")
    login(client, admin_user)
    listing = client.get("/admin/outbox/outboxentry/?state=pending")
    assert listing.status_code == 200 and "tresoriere@example.org" in listing.text
    monkeypatch.undo()
    response = client.post(
        "/admin/outbox/outboxentry/", {"action": "send_again", "_selected_action": [entry.pk]}, follow=True
    )
    assert "1 envoi(s) accepté(s) par le broker sur 1." in response.text
    entry.refresh_from_db()
    assert entry.status == EntryStatus.DONE and len(mail.outbox) == 1
