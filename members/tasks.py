from celery import shared_task

from . import provisional


@shared_task
def purge_provisional_uploads():
    """Delete files kept after a refused form that nobody came back for (members.provisional)."""
    return provisional.purge()
