"""Reads for the follow-up pages, the API, exports and other apps' pages."""

from itertools import batched

from django.db.models import Min, Sum
from django.utils import timezone

from access import visibility
from access.visibility import Purpose
from forim_portal.rows import choice_labels
from grants import tally
from grants.models import Application
from grants.states import FUNDED_STATES, State

from .models import ZERO, Payment, Report, ReportStatus, TopUp

OPEN_REPORT = [ReportStatus.EXPECTED, ReportStatus.CHANGES_REQUESTED]
# Newest first by reference (programme, year, number): read from a partial index of the funded dossiers
# (grants application_funded_ref_idx), so a page costs the same at 1,000 or 100,000 dossiers.
FOLLOW_UP_ORDER = ("-reference",)
# What a row of the follow-up page shows (awards/followup.html), its figures apart
FOLLOW_UP_COLUMNS = ("title", "reference", "status", "awarded_amount", "organisation__name", "organisation__acronym")


def _grouped(queryset, key, figure):
    """{key: figure} in one grouped query (the queryset is already cut to a page's ids)."""
    return dict(queryset.values(key).order_by().annotate(figure=figure).values_list(key, "figure"))


def with_follow_up_figures(applications):
    """These rows (a page or a batch, never a whole table), each given paid_total, top_up_total and
    next_report_due: three grouped queries over their ids only, whatever the number of rows."""
    rows = list(applications)
    ids = [row.pk for row in rows]
    if not ids:
        return rows
    paid = _grouped(Payment.objects.filter(tranche__application_id__in=ids), "tranche__application_id", Sum("amount"))
    top_ups = _grouped(TopUp.objects.filter(application_id__in=ids), "application_id", Sum("amount"))
    open_reports = Report.objects.filter(application_id__in=ids, status__in=OPEN_REPORT)
    next_due = _grouped(open_reports, "application_id", Min("due_on"))
    for row in rows:
        row.paid_total = paid.get(row.pk) or ZERO
        row.top_up_total = top_ups.get(row.pk) or ZERO
        row.next_report_due = next_due.get(row.pk)
    return rows


def with_paid(tranches):
    """These tranches (a page), each given `paid`: the sum of its payments, None when nothing is paid yet;
    one grouped query over their ids only."""
    rows = list(tranches)
    if rows:
        paid = _grouped(Payment.objects.filter(tranche_id__in=[row.pk for row in rows]), "tranche_id", Sum("amount"))
        for row in rows:
            row.paid = paid.get(row.pk)
    return rows


def in_batches(queryset, size=1000):
    """Every row with its follow-up figures, read and completed `size` rows at a time (exports)."""
    for batch in batched(queryset.iterator(chunk_size=size), size):
        yield from with_follow_up_figures(batch)


def follow_up_applications(user, queryset=None):
    """Funded dossiers this user may follow: staff all, associations theirs, partners the cofinanced.

    Plain rows, cut into pages by the database: `with_follow_up_figures` adds the money and the next
    report to the rows shown only (annotating them here would aggregate every funded dossier)."""
    visible = visibility.applications(user, Purpose.FOLLOW_UP, queryset)
    return visible.select_related("call__programme", "organisation", "agreement").order_by(*FOLLOW_UP_ORDER)


def follow_up_count(user, params):
    """The follow-up list's total from `grants.tally` when only its call and funded states filter it and the user
    follows every funded dossier (staff), else None: the list counts as usual."""
    statuses = [status for status in params.getlist("status") if status]
    if any(status not in FUNDED_STATES for status in statuses):
        return None  # not a state of this list: the filter refuses it, the list counts
    if not statuses:
        params = params.copy()
        params.setlist("status", list(FUNDED_STATES))
    # Staff follow every funded dossier: the dossiers they see (PRIVATE, all) in the funded states.
    return tally.count_for_query(user, Purpose.PRIVATE, params, ignored=("page",))


def follow_up_page(ids):
    """The rows of one page of the follow-up list, `ids` being that page's slice of
    `follow_up_applications(...).values_list("pk", flat=True)` (a lazy queryset, kept a subquery).

    The database cuts the page on narrow rows (ids, years and names joined and sorted, not every column of
    every funded dossier), then reads the shown columns of the page's rows only, in the list's order, each
    given its figures (`with_follow_up_figures`) and `status_label` (from one dict, not a
    `get_status_display` per row)."""
    rows = with_follow_up_figures(
        Application.objects.filter(pk__in=ids)
        .select_related("organisation")
        .only(*FOLLOW_UP_COLUMNS)
        .order_by(*FOLLOW_UP_ORDER)
    )
    labels = choice_labels(State.choices)
    for row in rows:
        row.status_label = labels.get(row.status, row.status)
    return rows


def schedule(application):
    """The dossier's tranches, each with what was paid, what is left, the last payment date and what it waits for."""
    from .services import tranche_blocker

    tranches = list(application.tranches.select_related("requires_report").prefetch_related("payments"))
    for tranche in tranches:
        payments = list(tranche.payments.all())
        tranche.paid = sum((p.amount for p in payments), ZERO)
        tranche.left = tranche.amount - tranche.paid
        tranche.last_paid_on = max((p.paid_on for p in payments), default=None)
        tranche.blocker = tranche_blocker(tranche) if tranche.left > 0 else None
    return tranches


def overdue_reports(queryset_of_applications=None, *, today=None):
    """Reports past their due date and not handed in, oldest first (staff and operator pages)."""
    reports = Report.objects.filter(status__in=OPEN_REPORT, due_on__lt=today or timezone.localdate())
    if queryset_of_applications is not None:
        reports = reports.filter(application__in=queryset_of_applications.values("pk"))
    return reports.select_related("application__organisation", "application__call").order_by("due_on", "pk")


def partner_top_ups(partner, *, call=None):
    """A partner's top-ups with their dossiers (for its home page and its report)."""
    top_ups = TopUp.objects.filter(rule__partner=partner).select_related(
        "application__organisation", "application__call", "rule"
    ).order_by("application__call__year", "application__organisation__name", "application_id")
    return top_ups.filter(application__call=call) if call is not None else top_ups


def cofinancing_totals(top_ups):
    awarded = sum((t.application.awarded_amount or ZERO for t in top_ups), ZERO)
    total = sum((t.amount for t in top_ups), ZERO)
    return {"count": len(top_ups), "awarded": awarded, "top_ups": total, "together": awarded + total}

