"""The reviewer's home-page section: their dossiers still to score."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access import visibility
from accounts.models import Role
from accounts.navigation import STAFF, add_home_section, add_link, has_role

from .selectors import reviewer_assignments


def reviewer_section(request):
    assignments = [
        a for a in reviewer_assignments(request.user)[:50] if not (hasattr(a, "review") and a.review.is_submitted)
    ]
    return {
        "title": _("Dossiers à évaluer"),
        "template": "reviews/home/reviewer.html",
        "assignments": assignments[:10],
        "count": len(assignments),
    }


def operator_section(request):
    """Submitted dossiers the operator accompanies and has not given an opinion on yet."""
    from .services import OPINION_STATES

    operators = visibility.organisation_ids(request.user, kinds=[visibility.OrganisationKind.OPERATOR])
    if not operators:
        return None
    waiting = list(
        visibility.applications(request.user)
        .filter(status__in=OPINION_STATES)
        .exclude(operator_opinions__operator_id__in=operators)
        .select_related("organisation")
        .order_by("submitted_at")[:20]
    )
    return {
        "title": _("Dossiers déposés : votre avis"),
        "template": "reviews/home/operator.html",
        "applications": waiting,
    }


def awaits_visa(draft):
    """A draft waits for the operator's visa: asked for and not answered since, or never given on a call that needs it."""
    latest = max(draft.visas.all(), key=lambda visa: (visa.created_at, visa.pk), default=None)
    if draft.visa_requested_at:
        return latest is None or latest.created_at < draft.visa_requested_at
    return latest is None and draft.call.operator_visa_required


def operator_visa_section(request):
    """Drafts of accompanied associations waiting for the operator's visa: those that asked for it first."""
    from grants.selectors import operator_drafts

    operators = visibility.organisation_ids(request.user, kinds=[visibility.OrganisationKind.OPERATOR])
    if not operators:
        return None
    waiting = [draft for draft in operator_drafts(user=request.user)[:200] if awaits_visa(draft)]
    waiting.sort(key=lambda d: (d.visa_requested_at is None, d.visa_requested_at or d.call.deadline, d.call.deadline, d.pk))
    return {
        "title": _("Brouillons : votre visa"),
        "template": "reviews/home/operator_visas.html",
        "applications": waiting[:20],
        "count": len(waiting),
    }


def register():
    add_link("reviews:applications", gettext_lazy("Dossiers"), order=40, visible=has_role(*STAFF))
    add_link("reviews:committee_list", gettext_lazy("Comités"), order=50, visible=has_role(*STAFF))
    add_link("reviews:reviewer_home", gettext_lazy("Mes évaluations"), order=80, visible=has_role(Role.REVIEWER))
    add_home_section(reviewer_section, order=10, visible=has_role(Role.REVIEWER))
    add_home_section(operator_visa_section, order=9, visible=has_role(Role.OPERATOR))
    add_home_section(operator_section, order=10, visible=has_role(Role.OPERATOR))
