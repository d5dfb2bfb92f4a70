"""Request, run and serve generated documents. Views, API, admin and tasks call these."""

import logging
import re

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from forim_portal.errors import DomainError
from forim_portal.queue import delay_on_commit
from lifecycle.engine import fire

from .models import DocumentJob, JobStatus
from .registry import get_kind

logger = logging.getLogger(__name__)


# A variant names a flavour of a document ("12-xlsx"): short, plain characters, never free text.
VARIANT = re.compile(r"[\w.-]{0,40}", re.ASCII)


def request_document(*, kind, target, user=None, variant="", check_permission=True, parameters=None):
    """Queue (or re-queue) the document `kind` for `target`. One row per document, ever.

    A kind that takes parameters (an export's filters) gets them as `parameters`, the raw text
    the user sent: the kind checks them and names the variant after them."""
    spec = get_kind(kind)
    cleaned = {}
    if spec.parameters:
        variant, cleaned = spec.parameters(parameters or "")
    if not VARIANT.fullmatch(variant or ""):
        raise DomainError(_("Variante de document inconnue."), code="bad_variant", field="variant")
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
            defaults={"requested_by": user, "parameters": cleaned},
        )
        if not created:
            if job.status in {JobStatus.QUEUED, JobStatus.RUNNING}:
                return job  # already on its way: a double click queues nothing more
            fire(job, "requeue", by=user, values={
                "error": "", "attempts": 0, "progress_done": 0, "progress_total": 0, "requested_by": user or job.requested_by,
            })
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
    try:
        fire(job, "start", by=None, values={"attempts": job.attempts + 1})  # a retry starts again from "running"
    except DomainError:  # another run finished it meanwhile
        job.refresh_from_db()
        return job
    target = job.target
    if target is None:
        mark_failed(job.pk, _("L'objet de ce document n'existe plus."))
        return job
    with translation.override(job_language(job)):
        if spec.fan_out and spec.fan_out(job, target):
            return job  # its parts run on several workers; the last step calls store_result
        extra = {"parameters": job.parameters} if spec.parameters else {}
        filename, content = spec.render(target, _progress_callback(job), variant=job.variant, **extra)
    return store_result(job.pk, filename, content)


def store_result(job_id, filename, content):
    """Store a running job's file (bytes, or a file storage copies in chunks) and mark it done,
    replacing any earlier file. A job another run finished meanwhile keeps its own file."""
    job = DocumentJob.objects.get(pk=job_id)
    old_name = job.file.name if job.file else None
    if isinstance(content, bytes):
        content = ContentFile(content)
    with content:  # a large document comes as a temporary file: storage copies it in chunks, then it is closed
        job.file.save(filename, content, save=False)
    try:
        fire(job, "finish", by=None, values={"file": job.file.name, "filename": filename})
    except DomainError:  # a concurrent run finished first: keep its file, drop this one
        job.file.storage.delete(job.file.name)
        job.refresh_from_db()
        return job
    if old_name and old_name != job.file.name:
        job.file.storage.delete(old_name)
    return job


def job_language(job):
    """A document is written in the language of the person who asked for it last (User.language);
    one asked by nobody (a task) in the portal's default, French."""
    from accounts.languages import offered

    return offered(job.requested_by.language if job.requested_by_id else "")


def mark_failed(job_id, reason):
    """The worker gave up on a job: it says why. A job already finished stays as it is."""
    job = DocumentJob.objects.filter(pk=job_id).first()
    if job is None:
        return False
    try:
        fire(job, "fail", by=None, values={"error": str(reason)[:2000]})
    except DomainError as refusal:
        logger.info("Job %s not marked failed: %s", job_id, refusal.message)
        return False
    return True


def fail_stuck_jobs(*, older_than_seconds=1800):
    """A job 'running' far past the time limit lost its worker: say so instead of spinning."""
    limit = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    stuck = DocumentJob.objects.filter(status=JobStatus.RUNNING, started_at__lt=limit).values_list("pk", flat=True)
    return sum(mark_failed(job_id, _("Le traitement a été interrompu. Relancez la génération.")) for job_id in list(stuck))


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
