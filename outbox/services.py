"""Send what an action promised once it commits, each e-mail once, SMTP outside any transaction.

Recording: `outbox.mail.send_mail` records one entry per recipient; `send_after_commit` records
a task that works out the recipients later and records their e-mails. Both write inside the
caller's transaction (no action, no e-mail; an action, always its e-mail) and hand the entry
to the broker on commit (`dispatch`). A broker outage leaves the entry pending;
`redispatch_pending` (Celery beat, every minute) sends it again once the broker is back.

Delivering (`deliver`), in three steps so that no SMTP call holds a transaction or a row lock:
1. claim: a short transaction marks the entry "sending" with the time (rows locked by another
   worker are skipped; the update is conditional, so two workers never both claim it);
2. send the e-mail, outside any transaction (a task entry instead runs its task and is marked
   done in one transaction: the e-mails it records and its "done" stand or fall together);
3. mark it done, or failed with the error, in another short transaction.
An e-mail is one recipient: a failure at one reader re-sends to that reader only. A claim left
"sending" longer than CLAIM_TIMEOUT (the worker died) is sent again by the sweep.
"""

import logging

from celery import current_app
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from forim_portal.queue import send_now

from .mail import build_message
from .models import EntryStatus, OutboxEntry

logger = logging.getLogger(__name__)

# A dispatch that failed (broker down) is tried again after this long.
RETRY_AFTER = timezone.timedelta(minutes=1)
# An entry the broker accepted but nobody ran (Redis restarted empty) is sent again after this
# long: above the broker's visibility timeout (900 s), so a merely slow queue is not doubled.
LOST_AFTER = timezone.timedelta(minutes=20)
# A failed send (SMTP refused, a task raised) is tried again after this long, ten times at most.
RETRY_FAILED_AFTER = timezone.timedelta(minutes=15)
# A claim older than this is a dead worker's: above the task time limit (360 s).
CLAIM_TIMEOUT = timezone.timedelta(minutes=20)
MAX_ATTEMPTS = 10
KEEP_DONE_FOR = timezone.timedelta(days=30)


def record(**fields):
    """Record an entry with the current transaction and hand it to the broker once it commits."""
    entry = OutboxEntry.objects.create(**fields)
    transaction.on_commit(lambda: dispatch(entry.pk))
    return entry


def send_after_commit(task, *args):
    """Record `task(*args)`, a task that records e-mails (outbox.mail.send_mail), run after commit."""
    return record(task_name=task.name, args=list(args))


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


def _claimable(now):
    return OutboxEntry.objects.filter(
        Q(status__in=[EntryStatus.PENDING, EntryStatus.FAILED])
        | Q(status=EntryStatus.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT)
    )


def claim(entry_id):
    """Mark the entry "sending" in a short transaction; None when it is done or another worker has it."""
    now = timezone.now()
    with transaction.atomic():
        entry = _claimable(now).select_for_update(skip_locked=True).filter(pk=entry_id).first()
        if entry is None or not _claimable(now).filter(pk=entry_id).update(status=EntryStatus.SENDING, claimed_at=now):
            return None
    entry.status, entry.claimed_at = EntryStatus.SENDING, now
    return entry


def _mine(entry):
    """The entry while this worker's claim holds (a later claim of a dead worker's entry wins)."""
    return OutboxEntry.objects.filter(pk=entry.pk, status=EntryStatus.SENDING, claimed_at=entry.claimed_at)


def deliver(entry_id):
    """Send one entry. False when it is already done, another worker has it, or it failed (kept for a retry)."""
    entry = claim(entry_id)
    if entry is None:
        return False
    try:
        if entry.to:
            build_message(entry).send()
            _mine(entry).update(status=EntryStatus.DONE, done_at=timezone.now(), last_error="")
        else:
            with transaction.atomic():
                current_app.tasks[entry.task_name](*entry.args)
                _mine(entry).update(status=EntryStatus.DONE, done_at=timezone.now(), last_error="")
    except Exception as exc:
        logger.exception("Outbox entry %s failed", entry_id)
        _mine(entry).update(status=EntryStatus.FAILED, last_error=f"{exc.__class__.__name__}: {exc}"[:2000])
        return False
    return True


def pending_entries(*, now=None):
    """Entries to send again: refused by the broker, accepted and never run, failed, or claimed by a dead worker."""
    now = now or timezone.now()
    refused = Q(status=EntryStatus.PENDING, dispatched_at__isnull=True, created_at__lt=now - RETRY_AFTER) & (
        Q(last_attempt_at__isnull=True) | Q(last_attempt_at__lt=now - RETRY_AFTER)
    )
    lost = Q(status=EntryStatus.PENDING, dispatched_at__lt=now - LOST_AFTER)
    failed = Q(status=EntryStatus.FAILED, claimed_at__lt=now - RETRY_FAILED_AFTER)
    crashed = Q(status=EntryStatus.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT)
    return OutboxEntry.objects.filter(refused | lost | failed | crashed, attempts__lt=MAX_ATTEMPTS)


def redispatch_pending(*, now=None):
    """Beat sweep: send again what is still owed, and forget entries done long ago."""
    now = now or timezone.now()
    entry_ids = list(pending_entries(now=now).order_by("created_at").values_list("pk", flat=True)[:500])
    for entry_id in entry_ids:
        dispatch(entry_id)
    OutboxEntry.objects.filter(status=EntryStatus.DONE, done_at__lt=now - KEEP_DONE_FOR).delete()
    if entry_ids:
        logger.info("Outbox: %d pending entries sent again", len(entry_ids))
    return len(entry_ids)
