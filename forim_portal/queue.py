"""Queue a task once the transaction commits, without letting a broker outage undo the user's action.

The action (a submission, a registration) is committed before the task is sent; if the
broker is unreachable then, the user must still get their confirmation. The failure is
logged; what was refused is sent again by a beat sweep: e-mails through the outbox
(`outbox.services.send_after_commit`), documents by their job's state (documents.tasks).
"""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def send_now(task, *args):
    try:
        return task.delay(*args)
    except Exception:  # broker or result backend unreachable: kombu/redis raise various errors
        logger.exception("Could not queue %s%r: the broker is unreachable", task.name, args)
        return None


def delay_on_commit(task, *args):
    transaction.on_commit(lambda: send_now(task, *args))
