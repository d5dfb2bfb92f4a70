"""Home-page sections about the network."""

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role
from accounts.navigation import STAFF, add_home_section, add_link, has_role

from .models import Organisation, OrganisationKind, OrganisationStatus
from .selectors import directory_queryset, pending_registrations

PENDING_SHOWN = 10


def staff_section(request):
    pending = list(pending_registrations())
    by_kind = dict(
        Organisation.objects.filter(status=OrganisationStatus.VALIDATED)
        .values_list("kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    rows = [(OrganisationKind(k).label, by_kind[k]) for k in OrganisationKind.values if by_kind.get(k)]
    return {
        "title": _("Le réseau"),
        "template": "members/home/staff.html",
        "pending": pending[:PENDING_SHOWN],
        "pending_count": len(pending),
        "rows": rows,
    }


def coordinator_section(request):
    """The associations of the coordinator's federation or collective: the same set as its directory."""
    members = list(
        directory_queryset(request.user)
        .filter(kind=OrganisationKind.OSIM)
        .annotate(action_count=Count("france_actions", distinct=True))
    )
    return {
        "title": _("Associations de mon réseau"),
        "template": "members/home/coordinator.html",
        "organisations": members,
    }


def register():
    add_link("members:my_organisation", gettext_lazy("Mon association"), order=30, visible=has_role(Role.APPLICANT))
    add_link("members:directory", gettext_lazy("Réseau"), order=70, visible=has_role(*STAFF, Role.COORDINATOR))
    # Staff reach the actions in France from the network page (one link fewer in their bar).
    add_link("members:actions", gettext_lazy("Actions en France"), order=140, visible=has_role(Role.COORDINATOR))
    add_home_section(staff_section, order=30, visible=has_role(*STAFF))
    add_home_section(coordinator_section, order=30, visible=has_role(Role.COORDINATOR))
