"""The reviewer's home-page section: their dossiers still to score."""

from django.utils.translation import gettext as _

from .selectors import reviewer_assignments


def reviewer_section(request):
    assignments = [a for a in reviewer_assignments(request.user)[:50] if not (hasattr(a, "review") and a.review.is_submitted)]
    return {"title": _("Dossiers à évaluer"), "template": "reviews/home/reviewer.html", "assignments": assignments[:10], "count": len(assignments)}
