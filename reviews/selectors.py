"""Reads of the instruction: the staff dossier queryset, a reviewer's dossiers, visible reviews, the agenda."""

from django.db.models import Count, F, Max, Min, Prefetch, Q

from grants.models import Application
from grants.rules import visible_applications
from grants.states import State
from members.rules import is_forim_staff

from .models import CommitteeDecision, Review, ReviewAssignment
from .services import SPREAD_THRESHOLD

SUBMITTED = Q(review_assignments__review__submitted_at__isnull=False)


def staff_applications(user):
    """The one queryset behind the staff table, its exports and the API: one query for any number of rows."""
    if not is_forim_staff(user):
        return Application.objects.none()
    return (
        visible_applications(user)
        .exclude(status=State.DRAFT)
        .select_related("call", "organisation", "operator", "organisation__operator")
        .annotate(
            reviewers_count=Count("review_assignments", distinct=True),
            reviews_done=Count("review_assignments", filter=SUBMITTED, distinct=True),
            score_high=Max("review_assignments__review__score", filter=SUBMITTED),
            score_low=Min("review_assignments__review__score", filter=SUBMITTED),
        )
    )


def spread_flagged(application):
    high, low = getattr(application, "score_high", None), getattr(application, "score_low", None)
    return high is not None and low is not None and high - low >= SPREAD_THRESHOLD


def reviewer_assignments(user):
    """A reviewer's assignments with their review, newest first."""
    return (
        ReviewAssignment.objects.filter(reviewer=user)
        .select_related("application__call", "application__organisation", "review")
        .order_by("-assigned_at", "-id")
    )


def reviews_of(application):
    return (
        Review.objects.filter(assignment__application=application)
        .select_related("assignment__reviewer")
        .prefetch_related("scores__criterion")
        .order_by("assignment__assigned_at", "assignment_id")
    )


def visible_reviews(user, application):
    """The reviews of a dossier this user may read (see rules.can_read_review)."""
    reviews = reviews_of(application)
    if is_forim_staff(user):
        return reviews
    own_sent = application.review_assignments.filter(reviewer=user, review__submitted_at__isnull=False).exists()
    if application.review_assignments.filter(reviewer=user).exists():
        return reviews.filter(Q(assignment__reviewer=user) | Q(submitted_at__isnull=False)) if own_sent else reviews.filter(assignment__reviewer=user)
    if visible_applications(user).filter(pk=application.pk).exists():
        return reviews.filter(submitted_at__isnull=False, shared_with_applicant=True)
    return reviews.none()


def agenda(session):
    """The session's dossiers: those ready for the committee ranked by score, then those it decided."""
    decisions = CommitteeDecision.objects.filter(session=session).select_related("decided_by").order_by("-decided_at")
    return (
        Application.objects.filter(call=session.call_id)
        .filter(Q(status=State.READY_FOR_COMMITTEE) | Q(committee_decisions__session=session))
        .distinct()
        .select_related("organisation", "call")
        .annotate(reviews_done=Count("review_assignments", filter=SUBMITTED, distinct=True))
        .prefetch_related("budget_lines", Prefetch("committee_decisions", queryset=decisions, to_attr="session_decisions"))
        .order_by(F("score").desc(nulls_last=True), "reference", "pk")
    )
