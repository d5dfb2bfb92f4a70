from celery import shared_task

from . import services


@shared_task(acks_late=True)
def deliver_outbox_entry(entry_id):
    """Send one recorded entry. A failure is kept on the entry (error, state) and the sweep tries again."""
    return services.deliver(entry_id)


@shared_task
def redispatch_outbox():
    """Every minute (beat): what the broker refused, what failed and what a dead worker held goes out again."""
    return services.redispatch_pending()
