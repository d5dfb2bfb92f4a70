"""What follows an award: the agreement, the payment schedule, reports and partner top-ups."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from forim_portal.formats import format_amount, format_number
from grants.models import MONEY, Application, BudgetLine, Programme
from members.models import Organisation, OrganisationKind

ZERO = Decimal("0.00")


def award_file_path(instance, filename):
    return f"awards/{instance.application_id}/{filename}"


class Agreement(models.Model):
    """The convention between FORIM and the association, from generation to signed copy."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="agreement")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(_("envoyée le"), null=True, blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    signed_file = models.FileField(_("convention signée"), upload_to=award_file_path, max_length=255, blank=True)
    signed_at = models.DateTimeField(_("signée reçue le"), null=True, blank=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("convention")
        verbose_name_plural = _("conventions")

    def __str__(self):
        return f"{_('Convention')} {self.application}"

    @property
    def status_label(self):
        if self.signed_at:
            return _("Signée")
        if self.signed_file:
            return _("Renvoyée signée, en cours de vérification par le FORIM")
        if self.sent_at:
            return _("Envoyée, en attente de signature")
        return _("À envoyer")


class ReportKind(models.TextChoices):
    INTERIM = "interim", _("Rapport intermédiaire")
    FINAL = "final", _("Rapport final")


class ReportStatus(models.TextChoices):
    EXPECTED = "expected", _("Attendu")
    SUBMITTED = "submitted", _("Remis, à examiner")
    CHANGES_REQUESTED = "changes_requested", _("Compléments demandés")
    APPROVED = "approved", _("Approuvé")


class Report(models.Model):
    """An interim or final report: narrative, actual spending, contribution certificates."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("type"), max_length=10, choices=ReportKind.choices)
    number = models.PositiveSmallIntegerField(_("numéro"), default=1)
    due_on = models.DateField(_("à remettre le"))
    status = models.CharField(_("statut"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.EXPECTED, db_index=True)
    narrative = models.TextField(_("rapport narratif"), blank=True)
    cash_certificate = models.FileField(_("attestation des apports en numéraire"), upload_to=award_file_path, max_length=255, blank=True)
    in_kind_certificate = models.FileField(_("attestation des apports en nature"), upload_to=award_file_path, max_length=255, blank=True)
    submitted_at = models.DateTimeField(_("remis le"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    reviewed_at = models.DateTimeField(_("examiné le"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    review_comment = models.TextField(_("commentaire de FORIM"), blank=True)
    reminders_sent = models.JSONField(default=list, blank=True, help_text="Keys of the reminders already e-mailed.")

    class Meta:
        verbose_name = _("rapport")
        verbose_name_plural = _("rapports")
        ordering = ["application", "due_on", "number"]
        constraints = [models.UniqueConstraint(fields=["application", "kind", "number"], name="one_report_per_rank")]

    def __str__(self):
        if self.kind == ReportKind.INTERIM:
            return _("%(kind)s n°%(n)s") % {"kind": self.get_kind_display(), "n": self.number}
        return self.get_kind_display()

    @property
    def is_open(self):
        return self.status in {ReportStatus.EXPECTED, ReportStatus.CHANGES_REQUESTED}

    @property
    def is_overdue(self):
        return self.is_open and self.due_on < timezone.localdate()


class ReportSpending(models.Model):
    """Actual spending on one budget line of the dossier, against its plan."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="spending")
    budget_line = models.ForeignKey(BudgetLine, on_delete=models.CASCADE, related_name="+")
    actual = models.DecimalField(_("dépensé (€)"), **MONEY, default=ZERO, validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = _("dépense réelle")
        verbose_name_plural = _("dépenses réelles")
        ordering = ["report", "budget_line__position", "budget_line_id"]
        constraints = [models.UniqueConstraint(fields=["report", "budget_line"], name="one_spending_per_line")]

    def __str__(self):
        return f"{self.budget_line_id}: {format_amount(self.actual)}"


class Tranche(models.Model):
    """One scheduled payment of the award. A later tranche waits for the report it depends on."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="tranches")
    number = models.PositiveSmallIntegerField(_("tranche"))
    share = models.DecimalField(_("part (%)"), max_digits=5, decimal_places=2)
    amount = models.DecimalField(_("montant (€)"), **MONEY)
    requires_report = models.ForeignKey(
        Report, verbose_name=_("rapport préalable"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("tranche de versement")
        verbose_name_plural = _("échéancier")
        ordering = ["application", "number"]
        constraints = [
            models.UniqueConstraint(fields=["application", "number"], name="one_tranche_per_rank"),
            models.CheckConstraint(
                condition=models.Q(amount__gte=Decimal("0.01")), name="tranche_at_least_a_cent",
                violation_error_message=_("Une tranche vaut au moins 0,01 €."),
            ),
        ]

    def __str__(self):
        return _("Tranche %(n)s (%(share)s %%)") % {"n": self.number, "share": format_number(self.share)}


class Payment(models.Model):
    tranche = models.ForeignKey(Tranche, on_delete=models.PROTECT, related_name="payments")
    paid_on = models.DateField(_("date du virement"))
    amount = models.DecimalField(_("montant (€)"), **MONEY)
    reference = models.CharField(_("référence du virement"), max_length=100)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("versement")
        verbose_name_plural = _("versements")
        ordering = ["paid_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="payment_amount_positive",
                violation_error_message=_("Le montant d'un versement doit être positif."),
            ),
        ]

    def __str__(self):
        return f"{format_amount(self.amount)} — {self.reference}"


class CofinancingRule(models.Model):
    """A partner's top-up, as data: who qualifies, the rate, the base, the cap, the rounding."""

    partner = models.ForeignKey(
        Organisation, verbose_name=_("partenaire"), on_delete=models.PROTECT, related_name="cofinancing_rules",
        limit_choices_to={"kind": OrganisationKind.PARTNER},
    )
    programme = models.ForeignKey(Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("intitulé"), max_length=200)
    diaspora_country = CountryField(_("diaspora de l'association"), blank=True, help_text=_("Vide : toutes"))
    project_country = CountryField(_("pays du projet"), blank=True, help_text=_("Vide : tous"))
    rate = models.DecimalField(
        _("taux (%)"), max_digits=5, decimal_places=2, validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Pourcentage du montant attribué, arrondi au centime supérieur à partir de 0,5 centime."),
    )
    cap = models.DecimalField(_("plafond (€)"), **MONEY, null=True, blank=True, validators=[MinValueValidator(0)])
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("règle de cofinancement")
        verbose_name_plural = _("règles de cofinancement")
        ordering = ["partner__name", "name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(rate__gte=0, rate__lte=100), name="cofinancing_rate_0_100"),
        ]

    def __str__(self):
        return f"{self.partner.acronym or self.partner.name} — {self.name}"


class TopUp(models.Model):
    """The partner's amount for one awarded dossier; staff may override it, with a reason."""

    rule = models.ForeignKey(CofinancingRule, on_delete=models.PROTECT, related_name="top_ups")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="top_ups")
    base = models.DecimalField(_("base (montant attribué, €)"), **MONEY)
    computed_amount = models.DecimalField(_("montant calculé (€)"), **MONEY)
    amount = models.DecimalField(_("complément retenu (€)"), **MONEY)
    override_reason = models.TextField(_("motif de la correction"), blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("complément de cofinancement")
        verbose_name_plural = _("compléments de cofinancement")
        ordering = ["application", "rule"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "application"], name="one_top_up_per_rule"),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0, computed_amount__gte=0), name="top_up_not_negative",
                violation_error_message=_("Le complément ne peut pas être négatif."),
            ),
        ]

    def __str__(self):
        return f"{self.rule}: {format_amount(self.amount)}"

    @property
    def is_overridden(self):
        return bool(self.override_reason)
