"""What the dashboards add to the navigation."""

from django.utils.translation import gettext_lazy

from accounts.models import Role
from accounts.navigation import STAFF, add_link, has_role


def register():
    add_link("dashboards:staff", gettext_lazy("Tableau de bord"), order=160, visible=has_role(*STAFF))
    add_link(
        "dashboards:mine",
        gettext_lazy("Mes chiffres"),
        order=170,
        visible=has_role(Role.OPERATOR, Role.COORDINATOR, Role.PARTNER),
    )
