"""Reads for the follow-up pages, the API, exports and other apps' pages."""

from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from access import visibility
from access.visibility import Purpose

from .models import ZERO, Payment, Report, ReportStatus, TopUp

OPEN_REPORT = [ReportStatus.EXPECTED, ReportStatus.CHANGES_REQUESTED]


def _sum_of(queryset, field):
    money = DecimalField(max_digits=12, decimal_places=2)
    return Coalesce(Subquery(queryset.values(field)[:1], output_field=money), Value(ZERO, output_field=money))


def with_follow_up_figures(queryset):
    """Paid total, top-up total and next report due, in one query whatever the number of rows."""
    paid = Payment.objects.filter(tranche__application=OuterRef("pk")).values("tranche__application").annotate(s=Sum("amount"))
    top_ups = TopUp.objects.filter(application=OuterRef("pk")).values("application").annotate(s=Sum("amount"))
    next_due = Report.objects.filter(application=OuterRef("pk"), status__in=OPEN_REPORT).order_by("due_on").values("due_on")[:1]
    return queryset.annotate(
        paid_total=_sum_of(paid, "s"), top_up_total=_sum_of(top_ups, "s"), next_report_due=Subquery(next_due),
    )


def follow_up_applications(user, queryset=None):
    """Funded dossiers this user may follow: staff all, associations theirs, partners the cofinanced."""
    visible = visibility.applications(user, Purpose.FOLLOW_UP, queryset)
    return with_follow_up_figures(visible.select_related("call__programme", "organisation", "agreement")).order_by(
        "call__year", "organisation__name", "pk"
    )


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

