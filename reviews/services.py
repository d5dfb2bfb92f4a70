"""Writes of the instruction: checks, opinions, assignments, scores, committee decisions, notes.

Every state change of a dossier goes through `grants.workflow.fire`, and of a committee
session through `lifecycle.engine.fire`; the committee guards registered in
`ReviewsConfig.ready()` refuse award/reject/defer unless the matching `CommitteeDecision`
row was saved in an open session since the dossier was put before the committee
(`record_decision` saves it, then fires, in one transaction).
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access.permissions import require_staff
from accounts.models import Role
from dashboards import cache as dashboard_figures
from forim_portal.errors import DomainError
from forim_portal.money import half_up_cents, parse_amount
from grants import workflow
from grants.eligibility import check_application
from grants.models import Application, Call
from grants.rules import is_accompanying_operator
from grants.states import FUNDED_STATES, State
from lifecycle.engine import described, fire
from members.models import Membership, NetworkLink

from .models import (
    HUMAN_CHECKS,
    ChecklistItem,
    CommitteeDecision,
    CommitteeSession,
    ConflictDeclaration,
    CriterionScore,
    OperatorOpinion,
    Opinion,
    Outcome,
    Recommendation,
    Review,
    ReviewAssignment,
    SessionStatus,
    StaffNote,
)

SCORE_SCALE = Decimal("20")
SPREAD_THRESHOLD = Decimal("4.00")  # points out of 20 between the highest and lowest review
REVIEWABLE_STATES = {State.ADMISSIBLE, State.UNDER_REVIEW}
OPINION_STATES = {State.SUBMITTED, State.CORRECTIONS_REQUESTED, State.ADMISSIBLE, State.UNDER_REVIEW, State.READY_FOR_COMMITTEE}


# --- admissibility -----------------------------------------------------------------------

def automatic_checks(application):
    """The call's rules evaluated on the dossier (grants.eligibility)."""
    return list(check_application(application))


def checklist(application):
    """The human checks of a dossier, created unticked on first look."""
    existing = {item.code: item for item in application.checklist_items.all()}
    missing = [ChecklistItem(application=application, code=code) for code, _label in HUMAN_CHECKS if code not in existing]
    if missing:
        ChecklistItem.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {item.code: item for item in ChecklistItem.objects.filter(application=application)}
    return [existing[code] for code, _label in HUMAN_CHECKS]


def save_checklist(*, application, by, checked_codes, notes=None):
    """Tick the human checks staff made (the others are unticked)."""
    require_staff(by)
    notes = notes or {}
    now = timezone.now()
    for item in checklist(application):
        checked = item.code in checked_codes
        note = (notes.get(item.code) or "").strip()[:255]
        if checked != item.checked or note != item.note:
            item.checked, item.note = checked, note
            item.checked_by, item.checked_at = (by, now) if checked else (None, None)
            item.save(update_fields=["checked", "note", "checked_by", "checked_at"])


ADMISSIBLE, INADMISSIBLE, CORRECTIONS = "admissible", "inadmissible", "corrections"


def decide_admissibility(*, application, by, outcome, reason="", sections=(), expected_state=None, due_on=None):
    """Close the admissibility check: admissible (every human check ticked), inadmissible (reason) or corrections."""
    require_staff(by)
    reason = (reason or "").strip()
    if outcome == ADMISSIBLE:
        # a dossier in another state is refused by the workflow itself (illegal move or someone was faster)
        open_checks = [item.label for item in checklist(application) if not item.checked] if application.status == State.SUBMITTED else []
        if open_checks:
            raise DomainError(
                _("Cochez d'abord toutes les vérifications : %(list)s.") % {"list": " ; ".join(str(c) for c in open_checks)},
                code="checklist_incomplete",
            )
        return workflow.fire(application, "declare_admissible", by=by, comment=reason, expected_state=expected_state)
    if outcome == INADMISSIBLE:
        if not reason:
            raise DomainError(_("Indiquez le motif d'irrecevabilité."), code="comment_required", field="reason")
        return workflow.fire(application, "declare_inadmissible", by=by, comment=reason, expected_state=expected_state)
    if outcome == CORRECTIONS:
        from grants.services import request_corrections

        return request_corrections(application=application, by=by, sections=list(sections), message=reason, due_on=due_on)
    raise DomainError(_("Choisissez une issue : recevable, irrecevable ou corrections."), code="bad_outcome", field="outcome")


# --- operator opinion ---------------------------------------------------------------------

def give_operator_opinion(*, application, by, opinion, text):
    """The accompanying operator writes its opinion on a submitted dossier."""
    if not is_accompanying_operator(by, application):
        raise DomainError(_("Seul l'opérateur qui accompagne ce dossier peut donner son avis."), code="forbidden", status=403)
    if application.status not in OPINION_STATES:
        raise DomainError(_("L'avis se donne sur un dossier déposé et pas encore décidé."), code="bad_state")
    if opinion not in Opinion.values:
        raise DomainError(_("Choisissez un avis."), code="bad_opinion", field="opinion")
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Rédigez votre avis."), code="empty", field="text")
    operator_id = application.operator_id or application.organisation.operator_id
    return OperatorOpinion.objects.create(application=application, operator_id=operator_id, author=by, opinion=opinion, text=text)


# --- conflicts of interest and assignments -------------------------------------------------

def network_ids_of(organisation_id):
    """Federations and collectives the organisation belongs to today (as a subquery)."""
    running = Q(until__isnull=True) | Q(until__gte=timezone.localdate())
    return NetworkLink.objects.filter(running, member_id=organisation_id).values("network_id")


def conflict_reason(reviewer, application):
    """Why this reviewer must not judge this dossier, or "" if nothing stands in the way."""
    organisation_id = application.organisation_id
    if Membership.objects.filter(user=reviewer, organisation_id=organisation_id).exists():
        return _("l'évaluateur agit pour l'association qui dépose le dossier")
    networks = network_ids_of(organisation_id)
    if Membership.objects.filter(user=reviewer, organisation_id__in=networks).exists():
        return _("l'évaluateur appartient à une fédération ou un collectif dont l'association est membre")
    if ConflictDeclaration.objects.filter(reviewer=reviewer, application=application).exists():
        return _("l'évaluateur a déclaré un conflit d'intérêts")
    return ""


def conflicted_reviewer_ids(application):
    """Every user who may not review this dossier (one query per kind of tie)."""
    organisation_id = application.organisation_id
    # The association and its networks as a list first: "this one OR in a subquery" is a scan of every membership.
    tied = [organisation_id, *network_ids_of(organisation_id).values_list("network_id", flat=True)]
    ids = set(Membership.objects.filter(organisation_id__in=tied).values_list("user_id", flat=True))
    ids |= set(ConflictDeclaration.objects.filter(application=application).values_list("reviewer_id", flat=True))
    return ids


def reviewers():
    from accounts.models import User

    return User.objects.filter(role=Role.REVIEWER, is_active=True).order_by("last_name", "first_name", "email")


def assign_reviewer(*, application, reviewer, by):
    """Staff ask a reviewer to score a dossier; conflicts of interest are refused."""
    require_staff(by)
    if reviewer.role != Role.REVIEWER or not reviewer.is_active:
        raise DomainError(_("%(user)s n'est pas évaluateur.") % {"user": reviewer}, code="not_reviewer", field="reviewer")
    if application.status not in REVIEWABLE_STATES:
        raise DomainError(
            _("Le dossier %(ref)s doit être recevable ou en évaluation pour recevoir des évaluateurs.") % {"ref": application.reference or application.pk},
            code="bad_state",
        )
    reason = conflict_reason(reviewer, application)
    if reason:
        raise DomainError(
            _("Conflit d'intérêts : %(reason)s (%(user)s, dossier %(ref)s).") % {"reason": reason, "user": reviewer, "ref": application.reference or application.pk},
            code="conflict_of_interest", field="reviewer",
        )
    assignment, created = ReviewAssignment.objects.get_or_create(application=application, reviewer=reviewer, defaults={"assigned_by": by})
    if not created:
        raise DomainError(_("%(user)s évalue déjà ce dossier.") % {"user": reviewer}, code="already_assigned", field="reviewer")
    return assignment


def unassign_reviewer(*, assignment, by):
    require_staff(by)
    review = getattr(assignment, "review", None)
    if review is not None and review.is_submitted:
        raise DomainError(_("Cette évaluation est déjà envoyée : elle ne peut plus être retirée."), code="review_submitted")
    assignment.delete()


def spread_reviewers(*, applications, by, reviewer_pool=None):
    """Give each dossier its call's number of reviewers, always to the least-loaded eligible one.

    Returns (assignments created, [dossiers still short of reviewers]).
    """
    require_staff(by)
    pool = list(reviewer_pool if reviewer_pool is not None else reviewers())
    load = dict(
        ReviewAssignment.objects.filter(reviewer__in=pool).values_list("reviewer_id").annotate(n=Count("id")).order_by()
    )
    load = {reviewer.pk: load.get(reviewer.pk, 0) for reviewer in pool}
    created, short = [], []
    for application in applications:
        if application.status not in REVIEWABLE_STATES:
            short.append(application)
            continue
        taken = set(application.review_assignments.values_list("reviewer_id", flat=True))
        needed = application.call.reviewers_per_application - len(taken)
        excluded = taken | conflicted_reviewer_ids(application)
        candidates = sorted((r for r in pool if r.pk not in excluded), key=lambda r: (load[r.pk], r.pk))
        for reviewer in candidates[: max(needed, 0)]:
            created.append(ReviewAssignment.objects.create(application=application, reviewer=reviewer, assigned_by=by))
            load[reviewer.pk] += 1
        if needed > len(candidates):
            short.append(application)
    return created, short


def declare_conflict(*, application, reviewer, reason):
    """A reviewer declares a conflict; an unsent review of theirs on the dossier is withdrawn."""
    if reviewer.role != Role.REVIEWER:
        raise DomainError(_("Seuls les évaluateurs déclarent un conflit d'intérêts."), code="forbidden", status=403)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Expliquez en quelques mots le conflit d'intérêts."), code="empty", field="reason")
    with transaction.atomic():
        declaration, _created = ConflictDeclaration.objects.update_or_create(
            reviewer=reviewer, application=application, defaults={"reason": reason[:255]}
        )
        ReviewAssignment.objects.filter(application=application, reviewer=reviewer).filter(
            Q(review__isnull=True) | Q(review__submitted_at__isnull=True)
        ).delete()
    return declaration


# --- scores -------------------------------------------------------------------------------

def review_score(values_by_criterion):
    """A review's mark out of 20: the criteria's marks, each over its scale, weighted."""
    total_weight = sum((criterion.weight for criterion in values_by_criterion), Decimal(0))
    if not total_weight:
        return None
    weighted = sum((criterion.weight * Decimal(value) / criterion.scale_max for criterion, value in values_by_criterion.items()), Decimal(0))
    return half_up_cents(weighted / total_weight * SCORE_SCALE)


def application_score(application):
    """The dossier's score: the mean of its submitted reviews' marks (each weighted by the grid)."""
    marks = list(
        Review.objects.filter(assignment__application=application, submitted_at__isnull=False, score__isnull=False).values_list("score", flat=True)
    )
    return half_up_cents(sum(marks) / len(marks)) if marks else None


def is_spread_large(marks):
    marks = [mark for mark in marks if mark is not None]
    return len(marks) > 1 and max(marks) - min(marks) >= SPREAD_THRESHOLD


def save_review(*, assignment, by, scores, recommendation="", comment="", submit=False):
    """A reviewer saves (or sends) their marks. `scores`: {criterion_id: (value, comment)}."""
    if by is None or assignment.reviewer_id != by.pk:
        raise DomainError(_("Vous n'êtes pas évaluateur de ce dossier."), code="not_assigned", status=403)
    application = assignment.application
    if application.status != State.UNDER_REVIEW:
        raise DomainError(_("Ce dossier n'est pas en évaluation : il ne peut pas être noté."), code="bad_state")
    criteria = {criterion.pk: criterion for criterion in application.call.criteria.all()}
    if not criteria:
        raise DomainError(_("La grille d'évaluation de l'appel est vide."), code="no_grid")
    errors = {}
    clean = {}
    for criterion_id, (value, remark) in scores.items():
        criterion = criteria.get(int(criterion_id))
        if criterion is None:
            continue
        if value in (None, ""):
            continue
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = -1
        if not 0 <= number <= criterion.scale_max:
            errors[criterion.pk] = _("Note entre 0 et %(max)s.") % {"max": criterion.scale_max}
            continue
        clean[criterion] = (number, (remark or "").strip())
    if recommendation and recommendation not in Recommendation.values:
        raise DomainError(_("Choisissez une recommandation."), code="bad_recommendation", field="recommendation")
    if submit:
        missing = [c.label for c in criteria.values() if c not in clean and c.pk not in errors]
        if missing:
            raise DomainError(_("Notez tous les critères avant d'envoyer : %(list)s.") % {"list": ", ".join(missing)}, code="incomplete")
        if not recommendation:
            raise DomainError(_("Choisissez une recommandation avant d'envoyer."), code="incomplete", field="recommendation")
    if errors:
        raise DomainError(" ".join(f"{criteria[pk].label} : {message}" for pk, message in errors.items()), code="bad_score")
    with transaction.atomic():
        review, _created = Review.objects.select_for_update().get_or_create(assignment=assignment)
        if review.is_submitted:
            raise DomainError(_("Votre évaluation est déjà envoyée : elle ne peut plus être modifiée."), code="review_submitted")
        for criterion, (value, remark) in clean.items():
            CriterionScore.objects.update_or_create(review=review, criterion=criterion, defaults={"value": value, "comment": remark})
        review.recommendation = recommendation
        review.comment = (comment or "").strip()
        review.score = review_score({criterion: value for criterion, (value, _r) in clean.items()}) if len(clean) == len(criteria) else None
        if submit:
            review.submitted_at = timezone.now()
        review.save()
        if submit:
            Application.objects.filter(pk=application.pk).update(score=application_score(application))
            dashboard_figures.changed()  # an update() sends no signal: the dashboards count the score
    return review


def share_review(*, review, by, shared):
    """FORIM decides whether the association may read a submitted review."""
    require_staff(by)
    if shared and not review.is_submitted:
        raise DomainError(_("Seule une évaluation envoyée peut être partagée."), code="not_submitted")
    review.shared_with_applicant = bool(shared)
    review.save(update_fields=["shared_with_applicant", "updated_at"])
    return review


# --- committee ----------------------------------------------------------------------------

def envelope_summary(call):
    """The call's envelope, the total already awarded and what is left."""
    awarded = Application.objects.filter(call=call, status__in=FUNDED_STATES).aggregate(total=Sum("awarded_amount"))["total"]
    awarded = awarded or Decimal("0.00")
    return {"envelope": call.envelope, "awarded": awarded, "remaining": call.envelope - awarded}


def euros(amount):
    from forim_portal.formats import format_amount

    return format_amount(amount)


def _cost_total(application):
    from grants.eligibility import budget_total

    return budget_total(application) or application.funding_total


def award_ceiling(application):
    """The most the call's rules allow for this dossier, in cents: max grant and max share of total cost."""
    from grants.eligibility import grant_ceiling

    return grant_ceiling(application.call, _cost_total(application))


def open_session(*, call, date, by, place="", members_present=""):
    require_staff(by)
    if date is None:
        raise DomainError(_("Indiquez la date de la séance."), code="required", field="date")
    return CommitteeSession.objects.create(call=call, date=date, place=place.strip(), members_present=members_present.strip(), created_by=by)


def close_session(*, session, by):
    """Close a session: no more decisions; its minutes are generated (an effect of the move)."""
    require_staff(by)
    fire(session, "close", by=by)
    return session


def committee_guard(outcome):
    """The guard on award/reject/defer: the committee's decision `outcome` is on record.

    The fact it reads is explicit and checkable: a `CommitteeDecision` with this outcome, in a
    session still open, taken since the dossier was last put before the committee.
    """

    def require_committee(application, user, comment):
        presented_at = (
            application.transitions.filter(to_state=State.READY_FOR_COMMITTEE).order_by("-at", "-id").values_list("at", flat=True).first()
        )
        decisions = CommitteeDecision.objects.filter(application=application, session__status=SessionStatus.OPEN)
        if presented_at is not None:
            decisions = decisions.filter(decided_at__gte=presented_at)
        latest = decisions.order_by("-decided_at", "-id").first()
        if latest is None or latest.outcome != outcome:
            raise DomainError(
                _("Cette décision se prend en comité : enregistrez-la dans une séance ouverte du comité (CEP)."),
                code="outside_committee",
            )

    require_committee.description = lazy(
        lambda: _("Décision « %(outcome)s » enregistrée dans une séance ouverte du comité (CEP)") % {"outcome": Outcome(outcome).label},
        str,
    )()
    return require_committee


@described(gettext_lazy("Montant fixé, dans les limites de l'appel (plafond, part du budget) et de l'enveloppe restante"))
def require_amount_within_rules(application, user, comment):
    """Guard on award: amount set, within the call's max grant, max share and what is left of the envelope."""
    amount = application.awarded_amount
    if amount is None or amount <= 0:
        raise DomainError(_("Indiquez le montant attribué."), code="amount_required", field="amount")
    from grants.eligibility import exceeds_call_rules

    if exceeds_call_rules(application.call, amount, _cost_total(application)):
        ceiling = award_ceiling(application)
        raise DomainError(
            _("Le montant attribué (%(amount)s) dépasse ce que permettent les règles de l'appel pour ce dossier (%(ceiling)s : plafond et part maximale du coût total).")
            % {"amount": euros(amount), "ceiling": euros(ceiling)},
            code="amount_too_high", field="amount",
        )
    remaining = envelope_summary(application.call)["remaining"]
    if amount > remaining:
        raise DomainError(
            _("Le montant attribué (%(amount)s) dépasse le reste de l'enveloppe de l'appel (%(remaining)s).")
            % {"amount": euros(amount), "remaining": euros(remaining)},
            code="envelope_exceeded", field="amount",
        )


def record_decision(*, session, application, by, outcome, reason, amount=None, expected_state=None):
    """The committee's decision on a dossier: saved, the dossier moved, the association told.

    `expected_state` is the state the decider saw (default: the object's); two people
    deciding the same dossier: the second gets the workflow's Conflict.
    """
    require_staff(by)
    expected_state = expected_state or application.status
    if not session.is_open:
        raise DomainError(_("Cette séance est clôturée : aucune décision ne peut y être ajoutée."), code="session_closed")
    if application.call_id != session.call_id:
        raise DomainError(_("Ce dossier ne relève pas de l'appel de cette séance."), code="wrong_call")
    if outcome not in Outcome.values:
        raise DomainError(_("Choisissez une décision : attribuer, ne pas retenir ou ajourner."), code="bad_outcome", field="outcome")
    reason = (reason or "").strip()
    if not reason and workflow.TRANSITIONS[outcome].comment_required:  # the workflow says which decisions need one
        raise DomainError(_("Indiquez le motif de la décision : l'association le lira."), code="comment_required", field="reason")
    amount = parse_amount(amount, allow_zero=False) if outcome == Outcome.AWARD else None
    with transaction.atomic():
        # The envelope guard sums the call's awards: lock the call first, so two awards decided
        # at the same instant are checked one after the other and never both pass.
        Call.objects.select_for_update().get(pk=application.call_id)
        if outcome == Outcome.AWARD:
            Application.objects.filter(pk=application.pk).update(awarded_amount=amount)
            dashboard_figures.changed()  # an update() sends no signal: the dashboards sum this amount
        decision = CommitteeDecision.objects.create(
            session=session, application=application, outcome=outcome, amount=amount, reason=reason, decided_by=by
        )
        workflow.fire(application, outcome, by=by, comment=reason, expected_state=expected_state)
    return decision


# --- transitions, bulk actions, notes -----------------------------------------------------

ADMISSIBILITY_OUTCOMES = {"declare_admissible": ADMISSIBLE, "declare_inadmissible": INADMISSIBLE, "request_corrections": CORRECTIONS}


def fire_transition(*, application, by, name, comment="", expected_state=None, sections=(), due_on=None):
    """One door for the staff pages and the API; corrections go through grants.services."""
    require_staff(by)
    outcome = ADMISSIBILITY_OUTCOMES.get(name)
    if outcome:
        return decide_admissibility(
            application=application, by=by, outcome=outcome, reason=comment, sections=sections, expected_state=expected_state,
            due_on=due_on,
        )
    if name == "send_to_committee" and application.status == State.UNDER_REVIEW and application_score(application) is None:
        raise DomainError(
            _("Aucune évaluation envoyée pour le dossier %(ref)s : il ne peut pas encore être présenté au comité.")
            % {"ref": application.reference or application.pk},
            code="no_review",
        )
    return workflow.fire(application, name, by=by, comment=comment, expected_state=expected_state)


def bulk_fire(*, applications, by, name, comment=""):
    """Move several dossiers at once; each refusal is reported, the others go through."""
    require_staff(by)
    moved, refused = [], []
    for application in applications:
        try:
            fire_transition(application=application, by=by, name=name, comment=comment, expected_state=application.status)
        except DomainError as error:
            refused.append((application, error.message))
        else:
            moved.append(application)
    return moved, refused


def add_note(*, application, by, body):
    require_staff(by)
    body = (body or "").strip()
    if not body:
        raise DomainError(_("Écrivez la note avant de l'enregistrer."), code="empty", field="body")
    return StaffNote.objects.create(application=application, author=by, body=body[:10000])
