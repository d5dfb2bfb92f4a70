"""The network registry: organisations and who acts for them."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from .choices import Region
from .validators import validate_rna, validate_siret


class OrganisationKind(models.TextChoices):
    OSIM = "osim", _("Association (OSIM)")
    FOSIM = "fosim", _("Fédération (FOSIM)")
    COSIM = "cosim", _("Collectif régional (COSIM)")
    OPERATOR = "operator", _("Opérateur d'appui (OPAP)")
    PARTNER = "partner", _("Partenaire cofinanceur")
    FORIM = "forim", _("FORIM")


class OrganisationStatus(models.TextChoices):
    PENDING = "pending", _("En attente de validation")
    VALIDATED = "validated", _("Validée")
    REJECTED = "rejected", _("Refusée")


class Organisation(models.Model):
    kind = models.CharField(_("type"), max_length=10, choices=OrganisationKind.choices, db_index=True)
    name = models.CharField(_("nom légal"), max_length=255)
    acronym = models.CharField(_("sigle"), max_length=50, blank=True)
    rna = models.CharField(
        _("numéro RNA"),
        max_length=10,
        unique=True,
        null=True,
        blank=True,
        help_text=_("W suivi de 9 chiffres"),
        validators=[validate_rna],
    )
    siret = models.CharField(
        _("SIRET"), max_length=14, blank=True, validators=[validate_siret], help_text=_("14 chiffres, facultatif")
    )
    created_on = models.DateField(_("date de création"), null=True, blank=True)
    published_on = models.DateField(_("date de publication au JO"), null=True, blank=True)
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    postcode = models.CharField(_("code postal"), max_length=10, blank=True)
    city = models.CharField(_("ville"), max_length=120, blank=True)
    region = models.CharField(_("région"), max_length=3, choices=Region.choices, blank=True, db_index=True)
    department = models.CharField(_("département"), max_length=3, blank=True)
    website = models.URLField(_("site web"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=OrganisationStatus.choices, default=OrganisationStatus.PENDING, db_index=True
    )
    status_reason = models.TextField(_("motif"), blank=True)
    diaspora_countries = CountryField(_("pays d'origine de la diaspora"), multiple=True, blank=True)
    intervention_countries = CountryField(_("pays d'intervention"), multiple=True, blank=True)
    sectors = models.JSONField(_("secteurs"), default=list, blank=True)
    board_migrant_share = models.DecimalField(
        _("part du bureau issue des migrations (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    operator = models.ForeignKey(
        "self",
        verbose_name=_("opérateur d'appui qui accompagne"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="accompanied",
        limit_choices_to={"kind": OrganisationKind.OPERATOR},
    )
    # A support operator (OPAP): its label and what it covers.
    label_since = models.DateField(_("labellisé depuis le"), null=True, blank=True)
    label_until = models.DateField(_("label valable jusqu'au"), null=True, blank=True)
    covered_regions = models.JSONField(_("régions couvertes"), default=list, blank=True)
    covered_countries = CountryField(_("pays couverts"), multiple=True, blank=True)
    # A cofinancing partner: what it offers (its rules live with the awards).
    cofinancing_offer = models.TextField(_("cofinancement proposé"), blank=True)
    cofinancing_rate = models.DecimalField(
        _("taux de complément (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    validated_at = models.DateTimeField(_("validée le"), null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        # The directory's ordering and its "RNA" search (issue 15). On PostgreSQL, migration
        # 0005_list_indexes adds trigram indexes for the name / acronym / city search.
        indexes = [
            models.Index(fields=["name", "id"], name="organisation_name_idx"),
            models.Index(Upper("rna"), name="organisation_rna_upper_idx"),
        ]

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    @property
    def is_validated(self):
        return self.status == OrganisationStatus.VALIDATED

    @property
    def sector_labels(self):
        from .choices import Sector

        labels = dict(Sector.choices)
        return [labels.get(code, code) for code in self.sectors or []]

    @property
    def covered_region_labels(self):
        labels = dict(Region.choices)
        return [labels.get(code, code) for code in self.covered_regions or []]


class OrganisationCountry(models.Model):
    """One row per country an organisation names, diaspora or intervention: what the directory's country filter
    reads through an index (issue 15). Derived from the two fields, kept by `members.country_index` only."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="country_rows")
    country = models.CharField(_("pays"), max_length=2)
    # The organisation's name, copied: the directory lists one country's organisations in name order by
    # walking this table's (country, name) index, however that country's names fall in the alphabet.
    name = models.CharField(_("nom"), max_length=255, default="")

    class Meta:
        verbose_name = _("pays d'une organisation")
        verbose_name_plural = _("pays des organisations")
        # Its index serves the filter (country, then the organisations naming it, read from the index alone).
        constraints = [
            models.UniqueConstraint(fields=["country", "organisation"], name="unique_organisation_country"),
        ]
        indexes = [models.Index(fields=["country", "name", "organisation"], name="organisation_country_name_idx")]

    def __str__(self):
        return f"{self.organisation_id} → {self.country}"


class MemberRole(models.TextChoices):
    ADMIN = "admin", _("Administrateur")
    MEMBER = "member", _("Membre")
    VIEWER = "viewer", _("Lecteur")


class Membership(models.Model):
    """A user acts for an organisation with a role."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("rôle"), max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membre")
        verbose_name_plural = _("membres")
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="unique_membership")]

    def __str__(self):
        return f"{self.user} → {self.organisation} ({self.get_role_display()})"


class NetworkLink(models.Model):
    """An association's membership of a federation (FOSIM) or regional collective (COSIM)."""

    member = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="network_links")
    network = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="member_links",
        limit_choices_to={"kind__in": [OrganisationKind.FOSIM, OrganisationKind.COSIM]},
    )
    since = models.DateField(_("depuis"), null=True, blank=True)
    until = models.DateField(_("jusqu'au"), null=True, blank=True)

    class Meta:
        verbose_name = _("adhésion à un réseau")
        verbose_name_plural = _("adhésions à un réseau")
        constraints = [models.UniqueConstraint(fields=["member", "network"], name="unique_network_link")]

    def __str__(self):
        return f"{self.member} ∈ {self.network}"


class DocumentType(models.TextChoices):
    STATUTES = "statutes", _("Statuts")
    REGISTRATION_RECEIPT = "registration_receipt", _("Récépissé de déclaration en préfecture")
    GENERAL_ASSEMBLY = "general_assembly", _("Procès-verbal de la dernière assemblée générale")
    ACCOUNTS = "accounts", _("Comptes annuels")
    ACTIVITY_REPORT = "activity_report", _("Rapport d'activité")
    BANK_DETAILS = "bank_details", _("Relevé d'identité bancaire (RIB)")
    PARTNER_LETTER = "partner_letter", _("Lettre d'engagement du partenaire local")
    OPERATOR_AGREEMENT = "operator_agreement", _("Convention d'accompagnement avec l'opérateur d'appui")
    OTHER = "other", _("Autre document")


def organisation_document_path(instance, filename):
    return f"organisations/{instance.organisation_id}/{instance.doc_type}/{filename}"


class OrganisationDocument(models.Model):
    """The vault: an organisation's documents, reused by its applications instead of asking again."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="documents")
    doc_type = models.CharField(_("type"), max_length=30, choices=DocumentType.choices)
    year = models.PositiveIntegerField(_("année"), null=True, blank=True)
    valid_until = models.DateField(_("valable jusqu'au"), null=True, blank=True)
    title = models.CharField(_("intitulé"), max_length=200, blank=True)
    file = models.FileField(_("fichier"), upload_to=organisation_document_path, max_length=255)
    original_name = models.CharField(max_length=200, blank=True)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document de l'organisation")
        verbose_name_plural = _("documents de l'organisation")
        ordering = ["organisation", "doc_type", "-year", "-uploaded_at"]

    def __str__(self):
        return self.title or self.get_doc_type_display()


class Invitation(models.Model):
    """An administrator invites a colleague by e-mail; the token link creates or links the account."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("adresse e-mail"))
    role = models.CharField(_("rôle"), max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER)
    token = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expire le"))
    accepted_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("annulée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} → {self.organisation}"

    @property
    def is_open(self):
        from django.utils import timezone

        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()


class ActionDomain(models.TextChoices):
    RIGHTS = "rights", _("Accès aux droits")
    SOLIDARITY = "solidarity", _("Aide sociale et alimentaire, solidarité")
    LITERACY = "literacy", _("Alphabétisation, éducation")
    EMPLOYMENT = "employment", _("Emploi et insertion professionnelle")
    DIGITAL = "digital", _("Inclusion numérique")
    CULTURE = "culture", _("Culture et événements")
    CITIZENSHIP = "citizenship", _("Participation citoyenne, éducation au développement (ECSI)")
    DISCRIMINATION = "discrimination", _("Lutte contre les discriminations et les violences")
    ASSOCIATIVE = "associative", _("Vie associative et renforcement des compétences")


class FranceAction(models.Model):
    """An action an association runs in France (integration, social cohesion), documented for FORIM."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="france_actions")
    title = models.CharField(_("intitulé de l'action"), max_length=255)
    domain = models.CharField(_("domaine"), max_length=20, choices=ActionDomain.choices, db_index=True)
    objectives = models.TextField(_("objectifs"), blank=True)
    results = models.TextField(_("principaux résultats"), blank=True)
    audience = models.CharField(_("public visé"), max_length=255, blank=True)
    city = models.CharField(_("ville"), max_length=120, blank=True)
    region = models.CharField(_("région"), max_length=3, choices=Region.choices, blank=True, db_index=True)
    in_qpv = models.BooleanField(_("en quartier prioritaire (QPV)"), default=False)
    neighbourhood = models.CharField(_("quartier"), max_length=120, blank=True)
    year = models.PositiveIntegerField(_("année"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("action en France")
        verbose_name_plural = _("actions en France")
        ordering = ["-year", "organisation__name", "title"]
        indexes = [models.Index(fields=["year"], name="franceaction_year_idx")]

    def __str__(self):
        return self.title


class ProvisionalUpload(models.Model):
    """A file sent with a form that was refused for another field, kept so the person need not send it again.

    Forms refer to it by a signed token (`members.provisional`); it is deleted once used or after
    `provisional.KEEP_HOURS` hours by the periodic task `members.tasks.purge_provisional_uploads`.
    """

    key = models.UUIDField(unique=True, editable=False)
    file = models.FileField(upload_to="provisional/%Y/%m/%d/")
    original_name = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("fichier joint en attente")
        verbose_name_plural = _("fichiers joints en attente")

    def __str__(self):
        return self.original_name
