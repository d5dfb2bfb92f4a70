"""Home sections: the partner's cofinanced projects; for FORIM staff, the reports to chase."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role
from accounts.navigation import STAFF, add_home_section, add_link, has_role

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
    return {
        "title": _("Rapports en retard"),
        "template": "awards/home/staff.html",
        "reports": rows,
        "total": late.count() if len(rows) == LATE_ROWS else len(rows),
    }


def partner_section(request):
    ids = partner_ids(request.user)
    if not ids:
        return None
    top_ups = list(
        TopUp.objects.filter(rule__partner_id__in=ids)
        .select_related("application__organisation", "application__call")
        .order_by("-application__call__year", "application__organisation__name")
    )
    return {
        "title": _("Projets cofinancés"),
        "template": "awards/home/partner.html",
        "top_ups": top_ups[:10],
        "totals": cofinancing_totals(top_ups),
    }


def register():
    add_link("awards:partner_home", gettext_lazy("Projets cofinancés"), order=120, visible=has_role(Role.PARTNER))
    add_link("awards:followup", gettext_lazy("Suivi des projets"), order=130, visible=has_role(*STAFF))
    add_home_section(staff_section, order=20, visible=has_role(*STAFF))
    add_home_section(partner_section, order=20, visible=has_role(Role.PARTNER))
