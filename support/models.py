"""An operator's (OPAP) accompaniment of an association: the signed agreement and a log of what it did."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from members.models import OrganisationKind


def agreement_path(instance, filename):
    return f"accompaniment/{instance.operator_id}/{instance.association_id}/{filename}"


class AccompanimentAgreement(models.Model):
    operator = models.ForeignKey(
        "members.Organisation", verbose_name=_("opérateur d'appui"), on_delete=models.CASCADE,
        related_name="accompaniment_agreements", limit_choices_to={"kind": OrganisationKind.OPERATOR},
    )
    association = models.ForeignKey(
        "members.Organisation", verbose_name=_("association accompagnée"), on_delete=models.CASCADE,
        related_name="accompaniment_agreements_received",
    )
    signed_on = models.DateField(_("signée le"))
    ends_on = models.DateField(_("fin de l'accompagnement"), null=True, blank=True)
    file = models.FileField(_("convention signée"), upload_to=agreement_path, max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("convention d'accompagnement")
        verbose_name_plural = _("conventions d'accompagnement")
        ordering = ["-signed_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["operator", "association", "signed_on"], name="one_agreement_per_day"),
        ]

    def __str__(self):
        return f"{self.operator} ↔ {self.association} ({self.signed_on:%d/%m/%Y})"

    def clean(self):
        if self.signed_on and self.ends_on and self.ends_on < self.signed_on:
            raise ValidationError({"ends_on": _("La fin de l'accompagnement doit suivre la signature.")})


class SupportKind(models.TextChoices):
    MEETING = "meeting", _("Rendez-vous")
    WORKSHOP = "workshop", _("Atelier d'écriture")
    TRAINING = "training", _("Formation")
    FIELD_VISIT = "field_visit", _("Visite de terrain")
    CALL = "call", _("Appel téléphonique ou visio")


class SupportLog(models.Model):
    """One piece of accompaniment: what the operator did with the association, and what comes next."""

    operator = models.ForeignKey("members.Organisation", verbose_name=_("opérateur d'appui"), on_delete=models.CASCADE,
                                 related_name="support_logs")
    association = models.ForeignKey("members.Organisation", verbose_name=_("association"), on_delete=models.CASCADE,
                                    related_name="support_logs_received")
    date = models.DateField(_("date"))
    kind = models.CharField(_("type"), max_length=12, choices=SupportKind.choices)
    hours = models.DecimalField(_("durée (heures)"), max_digits=5, decimal_places=2,
                                validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal("100"))])
    notes = models.TextField(_("ce qui a été fait"), blank=True)
    next_step = models.CharField(_("prochaine étape"), max_length=255, blank=True)
    next_step_on = models.DateField(_("prochaine étape prévue le"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("suivi d'accompagnement")
        verbose_name_plural = _("suivis d'accompagnement")
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.association} · {self.date:%d/%m/%Y}"
