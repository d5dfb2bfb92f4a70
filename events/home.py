from django.utils.translation import gettext as _


def upcoming_section(request):
    return {"title": _("Événements à venir"), "template": "events/home/upcoming.html", "events": []}
