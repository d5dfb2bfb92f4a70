"""Programmes, calls and their rules, applications (dossiers) and their audit trail."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from members.models import Organisation

from .states import FUNDED_STATES, State

MONEY = {"max_digits": 12, "decimal_places": 2}
LOCAL_MONEY = {"max_digits": 18, "decimal_places": 2}  # an amount in a local currency (a million XOF is €1 524)
RATE = {"max_digits": 15, "decimal_places": 6}  # units of a currency for €1 (forim_portal.money.parse_rate)
ZERO = Decimal("0.00")


class Programme(models.Model):
    code = models.SlugField(_("code"), max_length=20, unique=True, help_text=_("Préfixe des références, ex. PRA"))
    name = models.CharField(_("nom"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["name"]

    def __str__(self):
        return self.name


class CountryList(models.Model):
    """A named list of eligible countries (the OECD DAC list of ODA recipients, by year), loaded from a data file.

    Loaded by `grants.countries.load_country_list` (command `load_dac_list`); the default one applies
    to every call without its own list.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    year = models.CharField(_("année(s)"), max_length=20, help_text=_("Ex. 2024-2025"))
    source = models.URLField(_("source"), max_length=300, blank=True)
    codes = models.JSONField(_("pays (codes ISO 3166-1)"), default=list)
    is_default = models.BooleanField(_("liste par défaut"), default=False)
    loaded_at = models.DateTimeField(_("chargée le"), auto_now=True)

    class Meta:
        verbose_name = _("liste de pays")
        verbose_name_plural = _("listes de pays")
        ordering = ["-is_default", "-year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=models.Q(is_default=True), name="one_default_country_list"),
        ]

    def __str__(self):
        return f"{self.name} ({self.year})"


class Call(models.Model):
    """A call for proposals. Its rules are data that FORIM staff edit, never constants."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="calls")
    year = models.PositiveIntegerField(_("année"))
    title = models.CharField(_("intitulé"), max_length=200)
    description = models.TextField(_("présentation"), blank=True)
    opens_at = models.DateTimeField(_("ouverture"))
    deadline = models.DateTimeField(_("date limite de dépôt"))
    # Two-stage calls (the `intents` app): a statement of intent first, then the full dossier for the pre-selected.
    intent_deadline = models.DateTimeField(
        _("date limite des manifestations d'intérêt"), null=True, blank=True,
        help_text=_("Vide : appel en une étape. Sinon, seules les associations présélectionnées sur leur manifestation d'intérêt déposent le dossier complet."),
    )
    envelope = models.DecimalField(_("enveloppe budgétaire (€)"), **MONEY, default=ZERO)
    # Rules
    max_grant = models.DecimalField(_("subvention maximale (€)"), **MONEY, default=Decimal("15000.00"))
    max_grant_share = models.DecimalField(
        _("part maximale du coût total (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("70.00"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    min_total_budget = models.DecimalField(_("budget total minimal (€)"), **MONEY, default=ZERO)
    max_total_budget = models.DecimalField(_("budget total maximal (€)"), **MONEY, default=Decimal("120000.00"))
    min_association_age_months = models.PositiveIntegerField(_("ancienneté minimale de l'association (mois)"), default=0)
    max_duration_months = models.PositiveIntegerField(_("durée maximale du projet (mois)"), default=24)
    eligible_countries = CountryField(
        _("pays éligibles"), multiple=True, blank=True, help_text=_("Vide : tous les pays de la liste CAD de l'OCDE")
    )
    excluded_countries = CountryField(_("pays exclus"), multiple=True, blank=True)
    country_list = models.ForeignKey(
        CountryList, verbose_name=_("liste de pays éligibles"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="calls", help_text=_("Vide : la liste par défaut (CAD de l'OCDE). Ignorée si l'appel a ses propres pays éligibles."),
    )
    track_record_required = models.BooleanField(
        _("projets précédents à jour"), default=True,
        help_text=_("Refuse une association dont un rapport final est en retard ou un projet financé n'est pas clôturé après sa date de fin."),
    )
    sectors = models.JSONField(_("secteurs éligibles"), default=list, blank=True)
    required_documents = models.JSONField(_("pièces obligatoires"), default=list, blank=True)
    operator_visa_required = models.BooleanField(_("visa de l'opérateur d'appui obligatoire"), default=True)
    tranche_split = models.JSONField(
        _("répartition des versements (%)"), default=list, blank=True, help_text=_("Ex. [70, 30]")
    )
    reviewers_per_application = models.PositiveSmallIntegerField(_("évaluateurs par dossier"), default=2)
    anonymous_review = models.BooleanField(_("évaluation sans l'identité du porteur"), default=False)
    last_reference_number = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("appel à projets")
        verbose_name_plural = _("appels à projets")
        ordering = ["-year", "programme__name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(deadline__gt=models.F("opens_at")), name="call_deadline_after_opening"),
            # the rules grants.services.check_call applies, kept by the database too (last line of defence)
            models.CheckConstraint(
                condition=models.Q(max_total_budget=0) | models.Q(min_total_budget__lte=models.F("max_total_budget")),
                name="call_budget_bounds",
                violation_error_message=_("Le budget total minimal dépasse le budget total maximal."),
            ),
            models.CheckConstraint(
                condition=models.Q(envelope__gte=0, max_grant__gt=0, min_total_budget__gte=0, max_total_budget__gte=0,
                                   max_grant_share__gte=0, max_grant_share__lte=100),
                name="call_amounts_in_range",
                violation_error_message=_("Les montants de l'appel sont positifs et la part maximale entre 0 et 100 %."),
            ),
        ]

    def __str__(self):
        return self.title

    def is_open(self, at=None):
        at = at or timezone.now()
        return self.opens_at <= at < self.deadline

    @property
    def is_two_stage(self):
        return self.intent_deadline is not None

    def intents_open(self, at=None):
        """Statements of intent are taken from the opening to the intent deadline (two-stage calls only)."""
        at = at or timezone.now()
        return self.is_two_stage and self.opens_at <= at < self.intent_deadline


class Criterion(models.Model):
    """One line of the call's scoring grid."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria")
    label = models.CharField(_("critère"), max_length=200)
    guidance = models.TextField(_("aide à la notation"), blank=True)
    weight = models.DecimalField(_("poids"), max_digits=5, decimal_places=2, default=Decimal("1.00"))
    scale_max = models.PositiveSmallIntegerField(_("note maximale"), default=5)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("critère d'évaluation")
        verbose_name_plural = _("grille d'évaluation")
        ordering = ["call", "position", "id"]

    def __str__(self):
        return self.label


class Application(models.Model):
    """A dossier: an association's application to a call, from draft to closure."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applications")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="applications")
    operator = models.ForeignKey(
        Organisation,
        verbose_name=_("opérateur d'appui"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accompanied_applications",
    )
    status = models.CharField(_("statut"), max_length=30, choices=State.choices, default=State.DRAFT, db_index=True)
    reference = models.CharField(_("référence"), max_length=30, unique=True, null=True, blank=True)
    # Project
    title = models.CharField(_("titre du projet"), max_length=255, blank=True)
    country = CountryField(_("pays du projet"), blank=True)
    locality = models.CharField(_("localité"), max_length=200, blank=True)
    sector = models.CharField(_("secteur"), max_length=20, blank=True)
    local_partner = models.CharField(_("partenaire local"), max_length=255, blank=True)
    beneficiaries = models.TextField(_("bénéficiaires"), blank=True)
    beneficiaries_count = models.PositiveIntegerField(_("nombre de bénéficiaires directs"), null=True, blank=True)
    context = models.TextField(_("contexte et justification"), blank=True)
    sector_policy = models.TextField(_("cohérence avec la politique sectorielle nationale"), blank=True)
    objectives = models.TextField(_("objectifs"), blank=True)
    activities = models.TextField(_("activités"), blank=True)
    expected_results = models.TextField(_("résultats attendus"), blank=True)
    sustainability = models.TextField(_("pérennité"), blank=True)
    start_date = models.DateField(_("date de démarrage"), null=True, blank=True)
    duration_months = models.PositiveIntegerField(_("durée (mois)"), null=True, blank=True)
    # Funding plan
    amount_requested = models.DecimalField(_("montant demandé au FORIM (€)"), **MONEY, default=ZERO)
    own_funds = models.DecimalField(_("fonds propres (€)"), **MONEY, default=ZERO)
    in_kind = models.DecimalField(_("contributions en nature valorisées (€)"), **MONEY, default=ZERO)
    local_partner_funds = models.DecimalField(_("apports des partenaires locaux (€)"), **MONEY, default=ZERO)
    other_funders = models.DecimalField(_("autres financeurs (€)"), **MONEY, default=ZERO)
    other_funders_detail = models.CharField(_("autres financeurs : lesquels"), max_length=255, blank=True)
    # Budget currency (grants.currencies): lines typed in it are converted to euros at this rate
    budget_currency = models.CharField(_("devise du budget"), max_length=3, default="EUR")
    budget_units_per_euro = models.DecimalField(_("taux appliqué (unités pour 1 €)"), **RATE, null=True, blank=True)
    budget_rate_date = models.DateField(_("date du taux"), null=True, blank=True)
    # Outcome
    score = models.DecimalField(_("note"), max_digits=5, decimal_places=2, null=True, blank=True)
    awarded_amount = models.DecimalField(_("montant attribué (€)"), **MONEY, null=True, blank=True)
    visa_requested_at = models.DateTimeField(_("visa demandé le"), null=True, blank=True)
    publish_consent = models.BooleanField(_("accepte d'être présenté parmi les lauréats"), default=False)
    # Bookkeeping
    lock_version = models.PositiveIntegerField(default=0, help_text="Incremented at every save, to detect stale edits.")
    last_saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    last_saved_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-created_at"]
        # One per filter and ordering the staff table (reviews.filters) and the API lists offer, so that a
        # page is read from an index, never by sorting every dossier. reference is unique, status indexed above.
        indexes = [
            models.Index(fields=["call", "status"]),
            models.Index(fields=["submitted_at", "id"], name="application_submitted_idx"),
            models.Index(fields=["status", "submitted_at"], name="application_status_sub_idx"),
            models.Index(fields=["created_at", "id"], name="application_created_idx"),
            models.Index(fields=["organisation", "updated_at"], name="application_org_updated_idx"),
            models.Index(fields=["country"], name="application_country_idx"),
            models.Index(fields=["sector"], name="application_sector_idx"),
            models.Index(fields=["amount_requested"], name="application_amount_idx"),
            models.Index(fields=["score"], name="application_score_idx"),
            # The staff table's default order (newest filed first) among filed dossiers only: a scan of the plain
            # submitted_at index would first step over every draft (no submission date, sorted first).
            models.Index(
                fields=["submitted_at", "id"], name="application_filed_sub_idx", condition=~models.Q(status="draft")
            ),
            # The follow-up list (awards.selectors.FOLLOW_UP_ORDER): funded dossiers by reference, read from
            # this index a page at a time, however many dossiers were ever filed.
            models.Index(
                fields=["reference"], name="application_funded_ref_idx", condition=models.Q(status__in=sorted(FUNDED_STATES))
            ),
        ]

    def __str__(self):
        return f"{self.reference or _('Brouillon')} — {self.title or _('(sans titre)')}"

    @property
    def funding_total(self):
        return self.amount_requested + self.own_funds + self.in_kind + self.local_partner_funds + self.other_funders


class BudgetCategory(models.TextChoices):
    INVESTMENT = "investment", _("Investissements (construction, équipements)")
    SUPPLIES = "supplies", _("Fournitures et consommables")
    STAFF = "staff", _("Personnel et prestations")
    TRAINING = "training", _("Formation et sensibilisation")
    TRAVEL = "travel", _("Déplacements et missions")
    OPERATING = "operating", _("Fonctionnement")
    FOLLOWUP = "followup", _("Suivi, évaluation et restitution")
    IN_KIND = "in_kind", _("Valorisation des contributions en nature")
    OTHER = "other", _("Divers et imprévus")


class BudgetLine(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="budget_lines")
    category = models.CharField(_("catégorie"), max_length=20, choices=BudgetCategory.choices)
    label = models.CharField(_("libellé"), max_length=255)
    quantity = models.DecimalField(_("quantité"), max_digits=10, decimal_places=2, default=Decimal("1"))
    unit_cost = models.DecimalField(_("coût unitaire (€)"), **MONEY, default=ZERO)
    amount = models.DecimalField(_("montant (€)"), **MONEY, default=ZERO)
    # Typed in the dossier's budget currency: the euro figures above are converted from these (grants.currencies)
    currency = models.CharField(_("devise"), max_length=3, default="EUR")
    local_unit_cost = models.DecimalField(_("coût unitaire (devise)"), **LOCAL_MONEY, null=True, blank=True)
    local_amount = models.DecimalField(_("montant (devise)"), **LOCAL_MONEY, null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("ligne budgétaire")
        verbose_name_plural = _("lignes budgétaires")
        ordering = ["application", "position", "id"]

    def __str__(self):
        from forim_portal.formats import format_amount

        return f"{self.label} : {format_amount(self.amount)}"

    @property
    def is_converted(self):
        """Typed in another currency than the euro (its local figures are set)."""
        return self.currency != "EUR" and self.local_amount is not None

    @property
    def entered_unit_cost(self):
        """The unit cost as the treasurer typed it, in the line's currency."""
        return self.local_unit_cost if self.is_converted else self.unit_cost


class CallCurrencyRate(models.Model):
    """The rate a call uses for one currency (units for €1, with its date). Fixed parities (XOF…) need none."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="currency_rates")
    currency = models.CharField(_("devise (code ISO 4217)"), max_length=3)
    units_per_euro = models.DecimalField(_("unités pour 1 €"), **RATE)
    rate_date = models.DateField(_("date du taux"))

    class Meta:
        verbose_name = _("taux de change de l'appel")
        verbose_name_plural = _("taux de change de l'appel")
        ordering = ["call", "currency"]
        constraints = [
            models.UniqueConstraint(fields=["call", "currency"], name="unique_call_currency_rate"),
            models.CheckConstraint(condition=models.Q(units_per_euro__gt=0), name="call_rate_positive"),
        ]

    def __str__(self):
        return f"{self.currency} : {self.units_per_euro} / €"


class Transition(models.Model):
    """The audit trail of a dossier: who moved it, when, from which state to which, why."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="transitions")
    name = models.CharField(_("action"), max_length=40)
    from_state = models.CharField(_("de"), max_length=30, choices=State.choices)
    to_state = models.CharField(_("vers"), max_length=30, choices=State.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(_("le"), default=timezone.now)
    comment = models.TextField(_("motif"), blank=True)

    class Meta:
        verbose_name = _("changement d'état")
        verbose_name_plural = _("historique des états")
        ordering = ["application", "at", "id"]

    def __str__(self):
        return f"{self.application_id}: {self.from_state} → {self.to_state}"


def application_document_path(instance, filename):
    return f"applications/{instance.application_id}/{instance.doc_type}/{filename}"


class ApplicationDocument(models.Model):
    """A document attached to a dossier: either reused from the vault or uploaded for this dossier."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    doc_type = models.CharField(_("type de pièce"), max_length=30)
    vault_document = models.ForeignKey(
        "members.OrganisationDocument", verbose_name=_("document du coffre-fort"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    file = models.FileField(_("fichier"), upload_to=application_document_path, max_length=255, blank=True)
    original_name = models.CharField(max_length=200, blank=True)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pièce du dossier")
        verbose_name_plural = _("pièces du dossier")
        ordering = ["application", "doc_type", "-uploaded_at"]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        if self.vault_document_id:
            return self.vault_document.original_name or str(self.vault_document)
        return self.original_name or self.file.name.rpartition("/")[2]

    @property
    def stored_file(self):
        return self.vault_document.file if self.vault_document_id else self.file


class ApplicationVersion(models.Model):
    """A frozen copy of what was submitted, made at every submission and resubmission."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("version déposée")
        verbose_name_plural = _("versions déposées")
        ordering = ["application", "number"]
        constraints = [models.UniqueConstraint(fields=["application", "number"], name="unique_application_version")]

    def __str__(self):
        return f"{self.application_id} v{self.number}"


class CorrectionRequest(models.Model):
    """FORIM asks the association to change some steps of a submitted dossier."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="correction_requests")
    sections = models.JSONField(_("étapes à corriger"), default=list)
    message = models.TextField(_("ce qu'il faut changer"))
    due_on = models.DateField(_("à renvoyer avant le"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("rappel envoyé le"), null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("demande de corrections")
        verbose_name_plural = _("demandes de corrections")
        ordering = ["application", "-created_at"]

    def __str__(self):
        return f"{self.application_id}: {', '.join(self.sections)}"

    @property
    def is_late(self):
        return self.resolved_at is None and self.due_on is not None and self.due_on < timezone.localdate()


class Message(models.Model):
    """One message of the thread between the association and FORIM about a dossier."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    from_staff = models.BooleanField(default=False)
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["application", "created_at", "id"]

    def __str__(self):
        return f"{self.application_id}: {self.body[:40]}"


class VisaDecision(models.TextChoices):
    GRANTED = "granted", _("Visa accordé")
    CHANGES_REQUESTED = "changes_requested", _("Modifications demandées")


class OperatorVisa(models.Model):
    """The support operator's opinion on a draft before it is filed."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="visas")
    operator = models.ForeignKey(Organisation, verbose_name=_("opérateur d'appui"), on_delete=models.PROTECT, related_name="+")
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    decision = models.CharField(_("décision"), max_length=20, choices=VisaDecision.choices)
    comment = models.TextField(_("commentaire"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("visa de l'opérateur")
        verbose_name_plural = _("visas de l'opérateur")
        ordering = ["application", "-created_at", "-id"]

    def __str__(self):
        return f"{self.application_id}: {self.get_decision_display()}"


class RuleWaiver(models.Model):
    """A rule of the call lifted by FORIM staff for one dossier, with the reason (who, when, why)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="rule_waivers")
    rule = models.CharField(_("règle"), max_length=40)
    reason = models.TextField(_("motif"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("levée par"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("levée le"), default=timezone.now)

    class Meta:
        verbose_name = _("règle levée")
        verbose_name_plural = _("règles levées")
        ordering = ["application", "at", "id"]
        constraints = [models.UniqueConstraint(fields=["application", "rule"], name="one_waiver_per_rule")]

    def __str__(self):
        return f"{self.application_id}: {self.rule}"
