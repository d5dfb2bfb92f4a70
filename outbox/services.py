"""Send a task after the action commits, and make sure it runs once even if the broker was down.

`send_after_commit` writes an `OutboxEntry` inside the caller's transaction (no action, no
e-mail; an action, always its e-mail), then hands it to the broker on commit. A broker
outage leaves the entry pending; `redispatch_pending` (Celery beat, every minute) sends it
again once the broker is back. `deliver` runs an entry under a row lock and marks it done,
so a second delivery of the same entry does nothing.
"""

import logging

from celery import current_app
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from forim_portal.queue import send_now

from .models import OutboxEntry

logger = logging.getLogger(__name__)

# A dispatch that failed (broker down) is tried again after this long.
RETRY_AFTER = timezone.timedelta(minutes=1)
# An entry the broker accepted but nobody ran (Redis restarted empty) is sent again after this
# long: above the broker's visibility timeout (900 s), so a merely slow queue is not doubled.
LOST_AFTER = timezone.timedelta(minutes=20)
MAX_ATTEMPTS = 10
KEEP_DONE_FOR = timezone.timedelta(days=30)


def send_after_commit(task, *args):
    """Record `task(*args)` with the current transaction and queue it once it commits."""
    entry = OutboxEntry.objects.create(task_name=task.name, args=list(args))
    transaction.on_commit(lambda: dispatch(entry.pk))
    return entry


def send_once_marked(rows, task, *args, **marks):
    """Mark `rows` (a conditional update, e.g. "reminder not sent yet") and queue the task in one
    transaction: the mark and the e-mail stand or fall together. True if this call marked them."""
    with transaction.atomic():
        if not rows.update(**marks):
            return False
        send_after_commit(task, *args)
    return True


def dispatch(entry_id):
    """Hand an entry to the broker and remember whether the broker took it."""
    from .tasks import deliver_outbox_entry

    now = timezone.now()
    accepted = send_now(deliver_outbox_entry, entry_id) is not None
    changes = {"attempts": F("attempts") + 1, "last_attempt_at": now}
    if accepted:
        changes["dispatched_at"] = now
    OutboxEntry.objects.filter(pk=entry_id).update(**changes)
    return accepted


def deliver(entry_id):
    """Run an entry's task once. Returns False when it is already done or being run elsewhere."""
    try:
        with transaction.atomic():
            entry = OutboxEntry.objects.select_for_update(skip_locked=True).filter(pk=entry_id, done_at__isnull=True).first()
            if entry is None:
                return False
            current_app.tasks[entry.task_name](*entry.args)
            OutboxEntry.objects.filter(pk=entry.pk).update(done_at=timezone.now(), last_error="")
    except Exception as exc:
        OutboxEntry.objects.filter(pk=entry_id).update(last_error=f"{exc.__class__.__name__}: {exc}"[:2000])
        raise
    return True


def pending_entries(*, now=None):
    """Entries to send again: never accepted by the broker, or accepted long ago and never run."""
    now = now or timezone.now()
    never_accepted = Q(dispatched_at__isnull=True, created_at__lt=now - RETRY_AFTER) & (
        Q(last_attempt_at__isnull=True) | Q(last_attempt_at__lt=now - RETRY_AFTER)
    )
    lost = Q(dispatched_at__lt=now - LOST_AFTER)
    return OutboxEntry.objects.filter(never_accepted | lost, done_at__isnull=True, attempts__lt=MAX_ATTEMPTS)


def redispatch_pending(*, now=None):
    """Beat sweep: send again what the broker never took, and forget entries done long ago."""
    now = now or timezone.now()
    entry_ids = list(pending_entries(now=now).order_by("created_at").values_list("pk", flat=True)[:500])
    for entry_id in entry_ids:
        dispatch(entry_id)
    OutboxEntry.objects.filter(done_at__lt=now - KEEP_DONE_FOR).delete()
    if entry_ids:
        logger.info("Outbox: %d pending entries sent again", len(entry_ids))
    return len(entry_ids)
