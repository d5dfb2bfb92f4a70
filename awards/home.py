"""Home sections: the partner's cofinanced projects; for FORIM staff, the reports to chase."""

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import TopUp
from .rules import partner_ids
from .selectors import cofinancing_totals, overdue_reports

LATE_ROWS = 8


def staff_section(request):
    """Reports past their due date, oldest first: who to chase this week. Nothing late, no section."""
    late = overdue_reports()
    rows = list(late[:LATE_ROWS])
    if not rows:
        return None
    today = timezone.localdate()
    for report in rows:
        report.days_late = (today - report.due_on).days
    return {"title": _("Rapports en retard"), "template": "awards/home/staff.html", "reports": rows,
            "total": late.count() if len(rows) == LATE_ROWS else len(rows)}


def partner_section(request):
    ids = partner_ids(request.user)
    if not ids:
        return None
    top_ups = list(TopUp.objects.filter(rule__partner_id__in=ids).select_related(
        "application__organisation", "application__call").order_by("-application__call__year", "application__organisation__name"))
    return {"title": _("Projets cofinancés"), "template": "awards/home/partner.html", "top_ups": top_ups[:10],
            "totals": cofinancing_totals(top_ups)}
