"""What the dashboards add to the navigation."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access import visibility
from access.visibility import Purpose
from accounts.models import Role
from accounts.navigation import STAFF, add_home_section, add_link, has_role, visitor

from .selectors import laureates

LAUREATES_SHOWN = 6


def public_laureates_section(request):
    """For a visitor: the latest laureates who agreed to be shown (else the latest projects of FORIM's imported
    history), how many projects the programme has funded, and the way to the map and the open data."""
    rows = laureates()
    past = visibility.past_projects(None, Purpose.PUBLIC).order_by("-year", "title")
    shown = list(rows[:LAUREATES_SHOWN])
    return {
        "title": _("Les lauréats"),
        "template": "dashboards/home/public_laureates.html",
        "laureates": shown,
        "past_projects": [] if shown else list(past[:LAUREATES_SHOWN]),
        "total": rows.count(),
        "past_total": past.count(),
    }


def register():
    add_link("dashboards:staff", gettext_lazy("Tableau de bord"), order=160, visible=has_role(*STAFF))
    add_link(
        "dashboards:mine",
        gettext_lazy("Mes chiffres"),
        order=170,
        visible=has_role(Role.OPERATOR, Role.COORDINATOR, Role.PARTNER),
    )
    add_home_section(public_laureates_section, order=20, visible=visitor)
