"""The operator's home section: the associations it accompanies and what is late."""

from django.utils.translation import gettext as _

from .rules import operator_ids
from .selectors import operator_overview


def operator_section(request):
    operators = sorted(operator_ids(request.user))
    if not operators:
        return None
    return {"title": _("Associations accompagnées"), "template": "support/home/operator.html",
            "associations": operator_overview(operators)}
