"""The audit trail of every declared state machine except the dossier's (which keeps `grants.Transition`)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StateChange(models.Model):
    """Who moved which object, when, from which state to which, and why."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    machine = models.CharField(_("cycle de vie"), max_length=60)
    transition = models.CharField(_("action"), max_length=60)
    from_state = models.CharField(_("de"), max_length=40)
    to_state = models.CharField(_("vers"), max_length=40)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    at = models.DateTimeField(_("le"), default=timezone.now)
    comment = models.TextField(_("motif"), blank=True)

    class Meta:
        verbose_name = _("changement d'état")
        verbose_name_plural = _("changements d'état")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="lifecycle_object_idx")]

    def __str__(self):
        return f"{self.machine} #{self.object_id}: {self.from_state} → {self.to_state}"
