"""The partner's home section: the projects it cofinances."""

from django.utils.translation import gettext as _

from .models import TopUp
from .rules import partner_ids
from .selectors import cofinancing_totals


def partner_section(request):
    ids = partner_ids(request.user)
    if not ids:
        return None
    top_ups = list(TopUp.objects.filter(rule__partner_id__in=ids).select_related(
        "application__organisation", "application__call").order_by("-application__call__year", "application__organisation__name"))
    return {"title": _("Projets cofinancés"), "template": "awards/home/partner.html", "top_ups": top_ups[:10],
            "totals": cofinancing_totals(top_ups)}
