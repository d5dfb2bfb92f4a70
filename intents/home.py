"""Home sections: the association's statements of intent, and the statements waiting for staff's decision."""

from django.db.models import Count
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.navigation import STAFF, add_home_section, has_role

from .models import IntentStatus, StatementOfIntent
from .selectors import dossier_of, statements_of


def applicant_section(request):
    """The association's statements, each with its state, the decision and what comes next."""
    organisation = getattr(request, "organisation", None)
    statements = list(statements_of(organisation=organisation)[:10]) if organisation else []
    if not statements:
        return None
    for statement in statements:
        statement.dossier = dossier_of(statement)
    return {
        "title": _("Mes manifestations d'intérêt"),
        "template": "intents/home/applicant.html",
        "statements": statements,
    }


def staff_section(request):
    """The calls with statements waiting for the decision, and how many."""
    calls = list(
        StatementOfIntent.objects.filter(status=IntentStatus.SUBMITTED)
        .values("call_id", "call__title")
        .annotate(count=Count("id"))
        .order_by("call__title", "call_id")
    )
    if not calls:
        return None
    return {
        "title": _("Manifestations d'intérêt à présélectionner"),
        "template": "intents/home/staff.html",
        "calls": calls,
    }


def register():
    add_home_section(applicant_section, order=12, visible=has_role(Role.APPLICANT))
    add_home_section(staff_section, order=12, visible=has_role(*STAFF))
