"""Statements of intent: the first stage of a two-stage call (Mésoprojets).

An association writes a short form (the idea, the country, the sector, the estimated budget
and grant, a summary) before the call's intent deadline; FORIM staff pre-select it or not,
with a reason; only a pre-selected association then starts the full dossier, pre-filled from
its statement. States move only through `intents.machines.STATEMENT` (audited).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from grants.models import Call
from members.choices import Sector
from members.models import Organisation

MONEY = {"max_digits": 12, "decimal_places": 2}
ZERO = Decimal("0.00")


class IntentStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SUBMITTED = "submitted", _("Déposée")
    PRESELECTED = "preselected", _("Présélectionnée")
    NOT_PRESELECTED = "not_preselected", _("Non présélectionnée")
    WITHDRAWN = "withdrawn", _("Retirée")


class StatementOfIntent(models.Model):
    call = models.ForeignKey(Call, verbose_name=_("appel"), on_delete=models.PROTECT, related_name="statements")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("association"), on_delete=models.PROTECT, related_name="statements"
    )
    title = models.CharField(_("intitulé du projet"), max_length=255, blank=True)
    country = CountryField(_("pays du projet"), blank=True)
    sector = models.CharField(_("secteur"), max_length=20, choices=Sector.choices, blank=True)
    summary = models.TextField(_("résumé du projet"), blank=True)
    estimated_total = models.DecimalField(_("budget total estimé (€)"), **MONEY, default=ZERO)
    estimated_grant = models.DecimalField(_("subvention demandée estimée (€)"), **MONEY, default=ZERO)
    status = models.CharField(
        _("statut"), max_length=20, choices=IntentStatus.choices, default=IntentStatus.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(_("déposée le"), null=True, blank=True)
    decided_at = models.DateTimeField(_("décision le"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision_reason = models.TextField(_("motif de la décision"), blank=True)

    class Meta:
        verbose_name = _("manifestation d'intérêt")
        verbose_name_plural = _("manifestations d'intérêt")
        ordering = ["call", "organisation__name", "id"]
        constraints = [
            # One statement per association and call (a withdrawn one leaves room for a new one).
            models.UniqueConstraint(
                fields=["call", "organisation"],
                condition=~models.Q(status="withdrawn"),
                name="one_statement_per_association_and_call",
                violation_error_message=_("Votre association a déjà une manifestation d'intérêt pour cet appel."),
            ),
            models.CheckConstraint(
                condition=models.Q(estimated_total__gte=0, estimated_grant__gte=0),
                name="statement_amounts_positive",
            ),
        ]
        indexes = [models.Index(fields=["call", "status"], name="statement_call_status_idx")]

    def __str__(self):
        return f"{self.organisation} — {self.title or _('(sans titre)')}"
