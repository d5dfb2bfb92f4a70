"""Reads of the instruction: the staff dossier queryset, a reviewer's dossiers, visible reviews, the agenda."""

from itertools import batched

from django.db.models import Count, F, Max, Min, Prefetch, Q

from access import visibility
from access.visibility import Purpose
from grants import tally
from grants.models import Application
from grants.selectors import with_budget_totals
from grants.states import State

from .models import CommitteeDecision, Review, ReviewAssignment
from .services import SPREAD_THRESHOLD

SUBMITTED = Q(review_assignments__review__submitted_at__isnull=False)
NO_REVIEWS = {"reviewers_count": 0, "reviews_done": 0, "score_high": None, "score_low": None}


def staff_applications(user):
    """The one queryset behind the staff table, its exports and the API: plain rows, cut into pages by the database.

    The review figures (counts, score range) are not annotated here, which would aggregate every
    dossier before the page is cut: `with_review_figures` adds them to the rows of a page only."""
    if not visibility.is_staff(user):
        return Application.objects.none()
    return (
        visibility.applications(user, Purpose.REVIEW)
        .exclude(status=State.DRAFT)
        .select_related("call", "organisation", "operator", "organisation__operator")
    )


# What the staff table and the API list show of each row: the dossier's own columns and the two names it
# reads through a join; the 45 other columns (texts of the project, budget, audit) stay in the database.
TABLE_COLUMNS = (
    "reference", "title", "country", "sector", "status", "amount_requested", "score", "awarded_amount", "submitted_at",
    "call__title", "organisation__name", "organisation__acronym",
)


def table_rows(queryset):
    """The staff queryset (filtered, sorted) read for a table: the shown columns only (see TABLE_COLUMNS)."""
    return queryset.select_related(None).select_related("call", "organisation").only(*TABLE_COLUMNS)


# Query parameters of the staff table and its API that change neither which dossiers nor how many.
UNFILTERING_PARAMS = frozenset({"sort", "page", "page_size", "format", "ordering"})


def staff_table_count(user, params):
    """The staff table's total (the page and the API) from the dossiers' tally when nothing but states and a
    call filter it, else None (the paginator counts): no scan of every dossier for the usual views."""
    return tally.count_for_query(user, Purpose.REVIEW, params, exclude_statuses=[State.DRAFT], ignored=UNFILTERING_PARAMS)


def with_review_figures(applications):
    """These rows (a page, never a whole table), each given reviewers_count, reviews_done, score_high,
    score_low and spread_flag: one grouped query over the assignments of their ids only."""
    rows = list(applications)
    if not rows:
        return rows
    sent = Q(review__submitted_at__isnull=False)
    grouped = (
        ReviewAssignment.objects.filter(application_id__in=[row.pk for row in rows])
        .values("application_id")
        .order_by()
        .annotate(
            reviewers_count=Count("id"),
            reviews_done=Count("id", filter=sent),
            score_high=Max("review__score", filter=sent),
            score_low=Min("review__score", filter=sent),
        )
    )
    figures = {row.pop("application_id"): row for row in grouped}
    for application in rows:
        values = figures.get(application.pk, NO_REVIEWS)
        for name, value in values.items():
            setattr(application, name, value)
        application.spread_flag = spread_flagged(application)
    return rows


def in_batches(queryset, size=1000):
    """Every row of a queryset with its review figures and budget totals, read and completed `size` rows at a time (exports)."""
    for batch in batched(queryset.iterator(chunk_size=size), size):
        yield from with_budget_totals(with_review_figures(batch), size)


def spread_flagged(application):
    high, low = getattr(application, "score_high", None), getattr(application, "score_low", None)
    return high is not None and low is not None and high - low >= SPREAD_THRESHOLD


def reviewer_assignments(user):
    """A reviewer's assignments with their review, newest first."""
    return (
        visibility.review_assignments(user).filter(reviewer=user)
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
    """The reviews of a dossier this user may read (access.visibility.reviews)."""
    return visibility.reviews(user, reviews_of(application))


def agenda_candidates(session):
    """The call's dossiers staff may still put on this open session's agenda: under review or deferred,
    best score first, with their submitted reviews counted (the page's rows only: a call holds at most a
    few hundred dossiers)."""
    return (
        Application.objects.filter(call=session.call_id, status__in=[State.UNDER_REVIEW, State.DEFERRED])
        .select_related("organisation")
        .annotate(reviews_done=Count("review_assignments", filter=SUBMITTED, distinct=True))
        .order_by(F("score").desc(nulls_last=True), "reference", "pk")
    )


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
