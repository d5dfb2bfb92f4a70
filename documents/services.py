"""Request, run and serve generated documents. Views, API, admin and tasks call these."""

import logging

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from forim_portal.errors import DomainError
from forim_portal.queue import delay_on_commit

from .models import DocumentJob, JobStatus
from .registry import get_kind

logger = logging.getLogger(__name__)


def request_document(*, kind, target, user=None, variant="", check_permission=True):
    """Queue (or re-queue) the document `kind` for `target`. One row per document, ever."""
    spec = get_kind(kind)
    if check_permission and user is not None:
        allowed = (spec.can_request or spec.can_view)(user, target)
        if not allowed:
            raise DomainError(_("Vous ne pouvez pas demander ce document."), code="forbidden_document", status=403)
    if spec.check:
        spec.check(target)
    if spec.check_variant:
        spec.check_variant(target, variant)
    target_type = ContentType.objects.get_for_model(target)
    with transaction.atomic():
        job, created = DocumentJob.objects.select_for_update().get_or_create(
            kind=kind, target_type=target_type, target_id=target.pk, variant=variant,
            defaults={"requested_by": user},
        )
        if not created:
            if job.status in {JobStatus.QUEUED, JobStatus.RUNNING}:
                return job  # already on its way: a double click queues nothing more
            job.status = JobStatus.QUEUED
            job.error = ""
            job.attempts = 0
            job.progress_done = job.progress_total = 0
            job.requested_by = user or job.requested_by
            job.save(update_fields=["status", "error", "attempts", "progress_done", "progress_total", "requested_by"])
        from .tasks import generate_document

        delay_on_commit(generate_document, job.pk)
    return job


def _progress_callback(job):
    def progress(done, total):
        DocumentJob.objects.filter(pk=job.pk).update(progress_done=done, progress_total=total)

    return progress


def run_job(job_id):
    """Render a job's document and store it, replacing any earlier file."""
    job = DocumentJob.objects.filter(pk=job_id).first()
    if job is None or job.status == JobStatus.DONE:
        return job
    spec = get_kind(job.kind)
    DocumentJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, started_at=timezone.now(), attempts=job.attempts + 1, error=""
    )
    target = job.target
    if target is None:
        mark_failed(job.pk, _("L'objet de ce document n'existe plus."))
        return job
    filename, content = spec.render(target, _progress_callback(job), variant=job.variant)
    job.refresh_from_db()
    old_name = job.file.name if job.file else None
    job.file.save(filename, ContentFile(content), save=False)
    job.filename = filename
    job.status = JobStatus.DONE
    job.finished_at = timezone.now()
    job.save(update_fields=["file", "filename", "status", "finished_at"])
    if old_name and old_name != job.file.name:
        job.file.storage.delete(old_name)
    return job


def mark_failed(job_id, reason):
    DocumentJob.objects.filter(pk=job_id).update(status=JobStatus.FAILED, error=reason[:2000], finished_at=timezone.now())


def fail_stuck_jobs(*, older_than_seconds=1800):
    """A job 'running' far past the time limit lost its worker: say so instead of spinning."""
    limit = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    return DocumentJob.objects.filter(status=JobStatus.RUNNING, started_at__lt=limit).update(
        status=JobStatus.FAILED, error=_("Le traitement a été interrompu. Relancez la génération."), finished_at=timezone.now()
    )


def can_view_job(user, job):
    spec = get_kind(job.kind)
    target = job.target
    return target is not None and bool(spec.can_view(user, target))


def requeue_lost_jobs(*, older_than_seconds=600):
    """Send again the jobs still queued long after their request: their message was lost
    (broker down when queued). Running a job twice gives one file, so this is safe."""
    from forim_portal.queue import send_now

    from .tasks import generate_document

    limit = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    lost = list(DocumentJob.objects.filter(status=JobStatus.QUEUED, created_at__lt=limit).values_list("pk", flat=True))
    for job_id in lost:
        send_now(generate_document, job_id)
    return len(lost)
