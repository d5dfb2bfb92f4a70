from celery import shared_task

from . import services


@shared_task(autoretry_for=(ConnectionError, OSError), retry_backoff=True, max_retries=5, acks_late=True)
def deliver_outbox_entry(entry_id):
    """Run one recorded task; SMTP and network errors are retried with backoff."""
    return services.deliver(entry_id)


@shared_task
def redispatch_outbox():
    """Every minute (beat): what the broker refused while it was down goes out now."""
    return services.redispatch_pending()
