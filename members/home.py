"""Home-page sections about the network."""

from django.db.models import Count
from django.utils.translation import gettext as _

from .models import Organisation, OrganisationKind, OrganisationStatus


def staff_section(request):
    pending = Organisation.objects.filter(status=OrganisationStatus.PENDING, kind=OrganisationKind.OSIM).count()
    by_kind = dict(Organisation.objects.values_list("kind").annotate(n=Count("id")).order_by())
    rows = [(OrganisationKind(k).label, by_kind.get(k, 0)) for k in OrganisationKind.values if by_kind.get(k)]
    return {"title": _("Le réseau"), "template": "members/home/staff.html", "pending": pending, "rows": rows}


def operator_section(request):
    organisation = request.organisation
    accompanied = list(organisation.accompanied.order_by("name")) if organisation else []
    return {"title": _("Associations accompagnées"), "template": "members/home/operator.html", "organisations": accompanied}


def coordinator_section(request):
    organisation = request.organisation
    members = []
    if organisation:
        members = list(Organisation.objects.filter(network_links__network=organisation).order_by("name"))
    return {"title": _("Associations de mon réseau"), "template": "members/home/coordinator.html", "organisations": members}
