"""The home-page section: the next events this user may see."""

from django.utils.translation import gettext as _

from .selectors import agenda

SHOWN = 5


def upcoming_section(request):
    return {"title": _("Événements à venir"), "template": "events/home/upcoming.html",
            "events": list(agenda(request.user)[:SHOWN])}
