"""The reviewer's home-page section: their dossiers still to score."""

from django.utils.translation import gettext as _

from .selectors import reviewer_assignments


def reviewer_section(request):
    assignments = [a for a in reviewer_assignments(request.user)[:50] if not (hasattr(a, "review") and a.review.is_submitted)]
    return {"title": _("Dossiers à évaluer"), "template": "reviews/home/reviewer.html", "assignments": assignments[:10], "count": len(assignments)}


def operator_section(request):
    """Submitted dossiers the operator accompanies and has not given an opinion on yet."""
    from grants.rules import visible_applications
    from members.models import OrganisationKind
    from members.rules import organisation_ids

    from .services import OPINION_STATES

    operators = organisation_ids(request.user, kinds=[OrganisationKind.OPERATOR])
    if not operators:
        return None
    waiting = list(
        visible_applications(request.user).filter(status__in=OPINION_STATES).exclude(operator_opinions__operator_id__in=operators)
        .select_related("organisation").order_by("submitted_at")[:20]
    )
    return {"title": _("Dossiers déposés : votre avis"), "template": "reviews/home/operator.html", "applications": waiting}
