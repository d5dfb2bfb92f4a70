"""The outbox: an action's e-mail is recorded with the action, survives a broker outage and runs once."""

import pytest
from celery import shared_task
from django.core import mail
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from outbox import services
from outbox.models import OutboxEntry
from outbox.tasks import deliver_outbox_entry

pytestmark = pytest.mark.django_db


@shared_task(name="tests.outbox.send_note")
def send_note(recipient, text):
    mail.send_mail("Note", text, "portail@forim.test", [recipient])


@shared_task(name="tests.outbox.broken")
def broken():
    raise ValueError("modèle d'e-mail introuvable")


@pytest.fixture
def broker_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(deliver_outbox_entry, "delay", refuse)


def age(entry, **delta):
    """Pretend the entry was created (and last tried) that long ago."""
    then = timezone.now() - timezone.timedelta(**delta)
    OutboxEntry.objects.filter(pk=entry.pk).update(created_at=then, last_attempt_at=then)


def test_the_task_runs_after_commit_and_the_entry_is_marked_done(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        entry = services.send_after_commit(send_note, "tresoriere@example.org", "Votre dossier est déposé.")
        assert mail.outbox == []  # nothing leaves before the action commits
    entry.refresh_from_db()
    assert [m.to for m in mail.outbox] == [["tresoriere@example.org"]]
    assert entry.done_at is not None and entry.dispatched_at is not None and entry.attempts == 1


def test_an_action_rolled_back_leaves_no_entry_and_sends_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        services.send_after_commit(send_note, "tresoriere@example.org", "Jamais envoyé")
        raise RuntimeError("the action failed")
    assert OutboxEntry.objects.count() == 0 and mail.outbox == []


def test_an_entry_refused_by_a_broker_down_is_sent_by_the_sweep_once_it_is_back(broker_down, monkeypatch, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        entry = services.send_after_commit(send_note, "tresoriere@example.org", "Votre dossier est déposé.")
    entry.refresh_from_db()
    assert entry.attempts == 1 and entry.dispatched_at is None and entry.done_at is None and mail.outbox == []
    assert services.redispatch_pending() == 0  # tried a moment ago: not yet
    monkeypatch.undo()  # the broker is back
    age(entry, minutes=2)
    assert services.redispatch_pending() == 1
    entry.refresh_from_db()
    assert entry.done_at is not None and entry.attempts == 2 and len(mail.outbox) == 1
    assert services.redispatch_pending() == 0 and len(mail.outbox) == 1


def test_a_second_delivery_of_the_same_entry_sends_nothing_more(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        entry = services.send_after_commit(send_note, "tresoriere@example.org", "Une seule fois")
    assert services.deliver(entry.pk) is False
    assert deliver_outbox_entry.delay(entry.pk).get() is False
    assert len(mail.outbox) == 1


def test_an_entry_accepted_but_never_run_is_sent_again_after_the_visibility_timeout():
    entry = OutboxEntry.objects.create(task_name=send_note.name, args=["tresoriere@example.org", "Perdu dans Redis"])
    then = timezone.now() - timezone.timedelta(minutes=10)
    OutboxEntry.objects.filter(pk=entry.pk).update(created_at=then, last_attempt_at=then, dispatched_at=then, attempts=1)
    assert services.redispatch_pending() == 0  # accepted 10 minutes ago: maybe still queued
    assert services.redispatch_pending(now=timezone.now() + services.LOST_AFTER) == 1
    assert len(mail.outbox) == 1


def test_a_failing_task_keeps_its_error_and_the_sweep_gives_up_after_max_attempts(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        entry = services.send_after_commit(broken)
    entry.refresh_from_db()
    assert entry.done_at is None and entry.last_error == "ValueError: modèle d'e-mail introuvable"
    OutboxEntry.objects.filter(pk=entry.pk).update(attempts=services.MAX_ATTEMPTS)
    age(entry, hours=1)
    assert services.redispatch_pending() == 0


def test_entries_done_long_ago_are_forgotten_pending_ones_are_kept(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        done = services.send_after_commit(send_note, "a@example.org", "ancien")
    pending = OutboxEntry.objects.create(task_name=broken.name, attempts=services.MAX_ATTEMPTS)
    OutboxEntry.objects.filter(pk=done.pk).update(done_at=timezone.now() - timezone.timedelta(days=31))
    services.redispatch_pending()
    assert list(OutboxEntry.objects.values_list("pk", flat=True)) == [pending.pk]


def test_the_admin_lists_pending_entries_and_sends_them_again(client, admin_user, broker_down, monkeypatch, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        entry = services.send_after_commit(send_note, "tresoriere@example.org", "En attente")
    client.force_login(admin_user)
    listing = client.get("/admin/outbox/outboxentry/?state=pending")
    assert listing.status_code == 200 and "tests.outbox.send_note" in listing.text
    monkeypatch.undo()
    response = client.post("/admin/outbox/outboxentry/", {"action": "send_again", "_selected_action": [entry.pk]}, follow=True)
    assert "1 envoi(s) accepté(s) par le broker sur 1." in response.text
    entry.refresh_from_db()
    assert entry.done_at is not None and len(mail.outbox) == 1
