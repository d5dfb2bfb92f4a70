"""Home-page sections for each role, about dossiers."""

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role
from accounts.navigation import STAFF, add_home_section, add_link, has_role, visitor

from .models import Application, Call, CorrectionRequest, Programme
from .states import State

LATE_ROWS = 8  # late corrections listed on the staff home; the count says how many in all


def applicant_section(request):
    """The association's dossiers, what is expected of it next and by when, and the open calls."""
    from .selectors import applications_of, next_step, open_calls

    organisation = request.organisation
    applications = list(applications_of(organisation=organisation)[:10]) if organisation else []
    for application in applications:
        application.next_text, application.next_deadline = next_step(application)
    return {
        "title": _("Mes dossiers"),
        "template": "grants/home/applicant.html",
        "applications": applications,
        "organisation": organisation,
        "calls": list(open_calls()[:3]) if organisation else [],
    }


def staff_section(request):
    counts = dict(Application.objects.values_list("status").annotate(n=Count("id")).order_by())
    rows = [(code, State(code).label, counts[code]) for code in State.values if counts.get(code)]
    open_calls = list(Call.objects.select_related("programme").order_by("-deadline")[:5])
    late = CorrectionRequest.objects.filter(resolved_at__isnull=True, due_on__lt=timezone.localdate())
    late_corrections = list(late.select_related("application__organisation").order_by("due_on", "pk")[:LATE_ROWS])
    return {
        "title": _("Les dossiers en un coup d'œil"),
        "template": "grants/home/staff.html",
        "rows": rows,
        "calls": open_calls,
        "late_corrections": late_corrections,
        "late_corrections_total": late.count() if len(late_corrections) == LATE_ROWS else len(late_corrections),
    }


def public_section(request):
    """For a visitor: the programmes FORIM runs and the calls open now, each with its deadline."""
    from .selectors import open_calls

    return {
        "title": _("Les programmes et les appels ouverts"),
        "template": "grants/home/public.html",
        "programmes": list(Programme.objects.filter(is_active=True).order_by("name")),
        "calls": list(open_calls()[:5]),
    }


def register():
    add_link("grants:my_applications", gettext_lazy("Mes dossiers"), order=20, visible=has_role(Role.APPLICANT))
    add_link("grants:call_list", gettext_lazy("Appels"), order=60, visible=has_role(*STAFF))
    add_link("grants:operator_drafts", gettext_lazy("Brouillons à viser"), order=100, visible=has_role(Role.OPERATOR))
    add_home_section(applicant_section, order=10, visible=has_role(Role.APPLICANT))
    add_home_section(staff_section, order=10, visible=has_role(*STAFF))
    add_home_section(public_section, order=10, visible=visitor)
