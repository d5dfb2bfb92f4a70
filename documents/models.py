"""A generated document is a job: queued, running, done or failed, with its file."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("En attente")
    RUNNING = "running", _("En cours")
    DONE = "done", _("Prêt")
    FAILED = "failed", _("Échec")


class DocumentJob(models.Model):
    kind = models.CharField(_("type de document"), max_length=40, db_index=True)
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    variant = models.CharField(
        _("variante"), max_length=40, blank=True, default="", help_text="e.g. 'pdf' or 'zip' for one target and kind"
    )
    status = models.CharField(_("statut"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    error = models.TextField(_("motif de l'échec"), blank=True)
    parameters = models.JSONField(
        _("paramètres"), default=dict, blank=True, help_text="what the kind was asked for (an export's filters); part of the variant"
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(upload_to="generated/%Y/%m/", blank=True, max_length=255)
    filename = models.CharField(max_length=200, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("document généré")
        verbose_name_plural = _("documents générés")
        ordering = ["-created_at"]
        constraints = [
            # Re-running a job replaces its file: one row per (kind, target, variant).
            models.UniqueConstraint(fields=["kind", "target_type", "target_id", "variant"], name="one_job_per_document"),
        ]

    def __str__(self):
        return f"{self.kind} #{self.target_id} ({self.get_status_display()})"

    @property
    def percent(self):
        if self.status == JobStatus.DONE:
            return 100
        if not self.progress_total:
            return 0
        return min(100, round(100 * self.progress_done / self.progress_total))

    @property
    def is_finished(self):
        return self.status in {JobStatus.DONE, JobStatus.FAILED}
