"""Navigation links per role, so the base template stays free of role logic."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .models import Role

# (url name, label, roles that see it). A link whose URL is not installed yet is skipped.
NAVIGATION = [
    ("accounts:home", _("Accueil"), None),
    ("grants:my_applications", _("Mes dossiers"), {Role.APPLICANT}),
    ("members:my_organisation", _("Mon association"), {Role.APPLICANT}),
    ("reviews:applications", _("Dossiers"), {Role.STAFF, Role.ADMIN}),
    ("reviews:committee_list", _("Comités"), {Role.STAFF, Role.ADMIN}),
    ("grants:call_list", _("Appels"), {Role.STAFF, Role.ADMIN}),
    ("members:directory", _("Réseau"), {Role.STAFF, Role.ADMIN, Role.COORDINATOR}),
    ("reviews:reviewer_home", _("Mes évaluations"), {Role.REVIEWER}),
    ("support:operator_home", _("Associations accompagnées"), {Role.OPERATOR}),
    ("grants:operator_drafts", _("Brouillons à viser"), {Role.OPERATOR}),
    ("support:staff_activity", _("Accompagnement"), {Role.STAFF, Role.ADMIN}),
    ("awards:partner_home", _("Projets cofinancés"), {Role.PARTNER}),
    ("awards:followup", _("Suivi des projets"), {Role.STAFF, Role.ADMIN}),
    ("members:actions", _("Actions en France"), {Role.STAFF, Role.ADMIN, Role.COORDINATOR}),
    ("events:agenda", _("Agenda"), None),
    ("dashboards:staff", _("Tableau de bord"), {Role.STAFF, Role.ADMIN}),
    ("dashboards:mine", _("Mes chiffres"), {Role.OPERATOR, Role.COORDINATOR, Role.PARTNER}),
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
