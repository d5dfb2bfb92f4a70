"""Who may see an event and run it: defined once in `access`; who may create one and for whom."""

from access.rules import can_manage_event, can_view_event  # noqa: F401
from access.visibility import (  # noqa: F401
    MemberRole,
    OrganisationKind,
    OrganisationStatus,
    is_network_member,
    is_staff,
    organisation_ids,
)

ORGANISER_KINDS = [OrganisationKind.FORIM, OrganisationKind.OPERATOR, OrganisationKind.FOSIM, OrganisationKind.COSIM]


def managed_organisation_ids(user):
    """Organisations whose events this user runs (admins and members, not viewers), as a set."""
    return organisation_ids(user, roles=[MemberRole.ADMIN, MemberRole.MEMBER])


def organiser_choices(user):
    """Validated network bodies the user may organise an event for (all of them for staff)."""
    from members.models import Organisation

    organisations = Organisation.objects.filter(kind__in=ORGANISER_KINDS, status=OrganisationStatus.VALIDATED)
    if not is_staff(user):
        organisations = organisations.filter(pk__in=managed_organisation_ids(user))
    return organisations.order_by("name")


def can_create_events(user):
    """Staff, or someone writing for a validated network body (operator, federation, collective)."""
    return is_staff(user) or (bool(user and user.is_authenticated) and organiser_choices(user).exists())
