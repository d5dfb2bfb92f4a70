"""Navigation links per role, so the base template stays free of role logic."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .models import Role

# (url name, label, roles that see it). A link whose URL is not installed yet is skipped.
NAVIGATION = [
    ("accounts:home", _("Accueil"), None),
    ("grants:my_applications", _("Mes dossiers"), {Role.APPLICANT}),
    ("members:my_organisation", _("Mon association"), {Role.APPLICANT}),
    ("grants:staff_applications", _("Dossiers"), {Role.STAFF, Role.ADMIN}),
    ("grants:call_list", _("Appels"), {Role.STAFF, Role.ADMIN}),
    ("members:directory", _("Réseau"), {Role.STAFF, Role.ADMIN, Role.COORDINATOR}),
    ("grants:reviewer_home", _("Mes évaluations"), {Role.REVIEWER}),
    ("members:operator_home", _("Associations accompagnées"), {Role.OPERATOR}),
    ("grants:partner_home", _("Projets cofinancés"), {Role.PARTNER}),
    ("events:agenda", _("Agenda"), None),
    ("dashboards:staff", _("Tableau de bord"), {Role.STAFF, Role.ADMIN}),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_links": []}
    role = Role.ADMIN if user.is_superuser else user.role
    links = []
    for name, label, roles in NAVIGATION:
        if roles is not None and role not in roles:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        links.append({"url": url, "label": label, "active": request.path.startswith(url) and url != "/"})
    return {"nav_links": links, "active_organisation": getattr(request, "organisation", None)}
