"""Instruction of dossiers: admissibility checks, operator opinions, reviews, the committee (CEP), staff notes."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grants.models import MONEY, Application, Call, Criterion
from members.models import Organisation

USER = settings.AUTH_USER_MODEL

# The checks a person makes on a dossier; the call's automatic rules come from grants.eligibility.
HUMAN_CHECKS = [
    ("documents_legible", _("Les pièces sont lisibles, signées et au nom de l'association")),
    ("budget_consistent", _("Le budget correspond aux activités décrites")),
    ("partner_real", _("Le partenaire local existe et s'est engagé par écrit")),
    ("no_double_funding", _("Pas de double financement des mêmes dépenses")),
]


class ChecklistItem(models.Model):
    """One human admissibility check, ticked (or not) by a FORIM staff member."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="checklist_items")
    code = models.CharField(_("vérification"), max_length=40)
    checked = models.BooleanField(_("vérifié"), default=False)
    note = models.CharField(_("remarque"), max_length=255, blank=True)
    checked_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("vérification de recevabilité")
        verbose_name_plural = _("vérifications de recevabilité")
        constraints = [models.UniqueConstraint(fields=["application", "code"], name="unique_checklist_item")]

    def __str__(self):
        return f"{self.application_id}: {self.code}"

    @property
    def label(self):
        return dict(HUMAN_CHECKS).get(self.code, self.code)


class Opinion(models.TextChoices):
    FAVOURABLE = "favourable", _("Favorable")
    RESERVED = "reserved", _("Favorable avec réserves")
    UNFAVOURABLE = "unfavourable", _("Défavorable")


class OperatorOpinion(models.Model):
    """The accompanying support operator's written opinion on a submitted dossier."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="operator_opinions")
    operator = models.ForeignKey(Organisation, verbose_name=_("opérateur d'appui"), on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    opinion = models.CharField(_("avis"), max_length=20, choices=Opinion.choices)
    text = models.TextField(_("avis motivé"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("avis de l'opérateur")
        verbose_name_plural = _("avis de l'opérateur")
        ordering = ["application", "-created_at", "-id"]

    def __str__(self):
        return f"{self.application_id}: {self.get_opinion_display()}"


class ConflictDeclaration(models.Model):
    """A reviewer says they cannot judge a dossier impartially; they are never assigned it."""

    reviewer = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="conflict_declarations")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="conflict_declarations")
    reason = models.CharField(_("raison"), max_length=255)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("conflit d'intérêts déclaré")
        verbose_name_plural = _("conflits d'intérêts déclarés")
        constraints = [models.UniqueConstraint(fields=["reviewer", "application"], name="unique_conflict_declaration")]

    def __str__(self):
        return f"{self.reviewer} ≠ {self.application_id}"


class ReviewAssignment(models.Model):
    """A reviewer is asked to score a dossier."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="review_assignments")
    reviewer = models.ForeignKey(USER, verbose_name=_("évaluateur"), on_delete=models.PROTECT, related_name="review_assignments")
    assigned_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    assigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attribution d'évaluation")
        verbose_name_plural = _("attributions d'évaluation")
        ordering = ["application", "assigned_at", "id"]
        constraints = [models.UniqueConstraint(fields=["application", "reviewer"], name="unique_review_assignment")]

    def __str__(self):
        return f"{self.application_id} → {self.reviewer}"


class Recommendation(models.TextChoices):
    FUND = "fund", _("À financer")
    FUND_WITH_CHANGES = "fund_with_changes", _("À financer sous conditions")
    DO_NOT_FUND = "do_not_fund", _("À ne pas financer")


class Review(models.Model):
    """A reviewer's scores on one dossier; a draft until submitted, then frozen."""

    assignment = models.OneToOneField(ReviewAssignment, on_delete=models.CASCADE, related_name="review")
    recommendation = models.CharField(_("recommandation"), max_length=20, choices=Recommendation.choices, blank=True)
    comment = models.TextField(_("appréciation générale"), blank=True)
    score = models.DecimalField(_("note sur 20"), max_digits=5, decimal_places=2, null=True, blank=True)
    submitted_at = models.DateTimeField(_("envoyée le"), null=True, blank=True)
    shared_with_applicant = models.BooleanField(
        _("partagée avec l'association"), default=False, help_text=_("Le FORIM peut montrer cette évaluation au porteur.")
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("évaluation")
        verbose_name_plural = _("évaluations")

    def __str__(self):
        return f"{self.assignment}: {self.score}"

    @property
    def is_submitted(self):
        return self.submitted_at is not None


class CriterionScore(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    value = models.PositiveSmallIntegerField(_("note"))
    comment = models.TextField(_("commentaire"), blank=True)

    class Meta:
        verbose_name = _("note par critère")
        verbose_name_plural = _("notes par critère")
        ordering = ["review", "criterion__position", "criterion_id"]
        constraints = [models.UniqueConstraint(fields=["review", "criterion"], name="unique_criterion_score")]

    def __str__(self):
        return f"{self.criterion_id}: {self.value}"


class SessionStatus(models.TextChoices):
    OPEN = "open", _("Ouverte")
    CLOSED = "closed", _("Clôturée")


class CommitteeSession(models.Model):
    """A sitting of the selection committee (Comité d'Examen Paritaire) for a call."""

    call = models.ForeignKey(Call, verbose_name=_("appel à projets"), on_delete=models.PROTECT, related_name="committee_sessions")
    date = models.DateField(_("date"))
    place = models.CharField(_("lieu"), max_length=200, blank=True)
    status = models.CharField(_("statut"), max_length=10, choices=SessionStatus.choices, default=SessionStatus.OPEN)
    members_present = models.TextField(_("membres présents"), blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("séance du comité (CEP)")
        verbose_name_plural = _("séances du comité (CEP)")
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"CEP {self.call} — {self.date:%d/%m/%Y}"

    @property
    def is_open(self):
        return self.status == SessionStatus.OPEN


class Outcome(models.TextChoices):
    AWARD = "award", _("Attribuer")
    REJECT = "reject", _("Ne pas retenir")
    DEFER = "defer", _("Ajourner")


class CommitteeDecision(models.Model):
    """What the committee decided on a dossier in a session, with its reason."""

    session = models.ForeignKey(CommitteeSession, on_delete=models.PROTECT, related_name="decisions")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="committee_decisions")
    outcome = models.CharField(_("décision"), max_length=10, choices=Outcome.choices)
    amount = models.DecimalField(_("montant attribué (€)"), **MONEY, null=True, blank=True)
    reason = models.TextField(_("motif"), blank=True)
    decided_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("décision du comité")
        verbose_name_plural = _("décisions du comité")
        ordering = ["session", "decided_at", "id"]

    def __str__(self):
        return f"{self.application_id}: {self.get_outcome_display()}"

    @property
    def result_label(self):
        """What the decision made of the dossier: « Lauréat », « Non retenu », « Ajourné »."""
        from grants.states import State

        return {Outcome.AWARD: State.AWARDED.label, Outcome.REJECT: State.REJECTED.label, Outcome.DEFER: State.DEFERRED.label}[self.outcome]


class StaffNote(models.Model):
    """An internal note on a dossier, for FORIM staff only (never shown to the association)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="staff_notes")
    author = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    body = models.TextField(_("note"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("note interne")
        verbose_name_plural = _("notes internes")
        ordering = ["application", "-created_at", "-id"]

    def __str__(self):
        return f"{self.application_id}: {self.body[:40]}"
