"""A task (an e-mail to send) recorded in the same transaction as the action it follows.

The row is the promise: if the broker is down when the action commits, the row stays
pending and the sweep sends it again; if it is delivered twice, it runs once.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxEntry(models.Model):
    task_name = models.CharField(_("tâche"), max_length=200)
    args = models.JSONField(_("arguments"), default=list)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    attempts = models.PositiveSmallIntegerField(_("envois au broker"), default=0)
    last_attempt_at = models.DateTimeField(_("dernier envoi au broker"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("acceptée par le broker le"), null=True, blank=True)
    done_at = models.DateTimeField(_("exécutée le"), null=True, blank=True)
    last_error = models.TextField(_("dernière erreur"), blank=True)

    class Meta:
        verbose_name = _("envoi en attente")
        verbose_name_plural = _("boîte d'envoi")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["created_at"], name="outbox_pending_idx", condition=models.Q(done_at__isnull=True)),
        ]

    def __str__(self):
        return f"{self.task_name}{tuple(self.args)!r}"
