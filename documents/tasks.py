from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from .services import fail_stuck_jobs, mark_failed, requeue_lost_jobs, run_job


@shared_task(bind=True, max_retries=3, default_retry_delay=10, acks_late=True, reject_on_worker_lost=True,
             soft_time_limit=600, time_limit=660)
def generate_document(self, job_id):
    """Thin and re-runnable: the service replaces the file, never adds a second one."""
    try:
        run_job(job_id)
    except SoftTimeLimitExceeded:
        mark_failed(job_id, "Le document a pris trop de temps à produire.")
    except Exception as exc:
        if self.request.retries < self.max_retries and not self.request.is_eager:
            raise self.retry(exc=exc) from exc
        mark_failed(job_id, f"{exc.__class__.__name__}: {exc}")
        if self.request.is_eager:
            return None
        raise
    return job_id


@shared_task
def fail_stuck_document_jobs():
    return fail_stuck_jobs()


@shared_task
def requeue_lost_document_jobs():
    return requeue_lost_jobs()
