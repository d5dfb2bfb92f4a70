"""The home-page section: the next events this user may see."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role
from accounts.navigation import STAFF, add_home_section, add_link, has_role, visitor

from .selectors import agenda

SHOWN = 5


def upcoming_section(request):
    return {
        "title": _("Événements à venir"),
        "template": "events/home/upcoming.html",
        "events": list(agenda(request.user)[:SHOWN]),
    }


def register():
    add_link("events:agenda", gettext_lazy("Agenda"), order=150)
    add_home_section(
        upcoming_section, order=90, visible=has_role(Role.APPLICANT, *STAFF, Role.OPERATOR, Role.COORDINATOR) | visitor
    )
