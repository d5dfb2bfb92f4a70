"""What the portal promised to send, recorded in the same transaction as the action it follows.

An entry is either an e-mail to ONE recipient (`to`, `subject`, `body`, `attachments`) or a
task that prepares e-mails (`task_name`, `args`: who to tell is worked out after commit, each
e-mail it writes becomes an entry of its own). The row is the promise: if the broker is down
when the action commits, the row stays pending and the sweep sends it again; an e-mail that
reached its recipient is marked done and never sent again.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EntryStatus(models.TextChoices):
    PENDING = "pending", _("En attente")
    SENDING = "sending", _("En cours d'envoi")
    FAILED = "failed", _("Échec (nouvel essai prévu)")
    DONE = "done", _("Envoyée")


class OutboxEntry(models.Model):
    task_name = models.CharField(_("tâche"), max_length=200, blank=True)
    args = models.JSONField(_("arguments"), default=list)
    to = models.EmailField(_("destinataire"), blank=True)
    subject = models.TextField(_("objet"), blank=True)
    body = models.TextField(_("texte"), blank=True)
    # [[builder name, [args]], …]: built when the e-mail leaves (outbox.mail.register_attachment)
    attachments = models.JSONField(_("pièces jointes"), default=list, blank=True)
    status = models.CharField(_("état"), max_length=10, choices=EntryStatus.choices, default=EntryStatus.PENDING)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    attempts = models.PositiveSmallIntegerField(_("envois au broker"), default=0)
    last_attempt_at = models.DateTimeField(_("dernier envoi au broker"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("acceptée par le broker le"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("prise en charge le"), null=True, blank=True)
    done_at = models.DateTimeField(_("exécutée le"), null=True, blank=True)
    last_error = models.TextField(_("dernière erreur"), blank=True)

    class Meta:
        verbose_name = _("envoi en attente")
        verbose_name_plural = _("boîte d'envoi")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["created_at"], name="outbox_pending_idx", condition=models.Q(done_at__isnull=True)),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(task_name="") | ~models.Q(to=""),
                name="outbox_entry_task_or_mail",
                violation_error_message=_("Une entrée est une tâche ou un e-mail."),
            ),
        ]

    def __str__(self):
        if self.to:
            return f"{self.to}: {self.subject}"
        return f"{self.task_name}{tuple(self.args)!r}"
