"""The operator's home section: the associations it accompanies and what is late."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role
from accounts.navigation import STAFF, add_home_section, add_link, has_role

from .rules import operator_ids
from .selectors import operator_overview


def operator_section(request):
    operators = sorted(operator_ids(request.user))
    if not operators:
        return None
    return {
        "title": _("Associations accompagnées"),
        "template": "support/home/operator.html",
        "associations": operator_overview(operators),
    }


def register():
    add_link(
        "support:operator_home", gettext_lazy("Associations accompagnées"), order=90, visible=has_role(Role.OPERATOR)
    )
    add_link("support:staff_activity", gettext_lazy("Accompagnement"), order=110, visible=has_role(*STAFF))
    add_home_section(operator_section, order=20, visible=has_role(Role.OPERATOR))
