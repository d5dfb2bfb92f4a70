"""Who may see an event, register, and run it (organiser's members and FORIM staff)."""

import rules
from django.db.models import Q

from members.models import MemberRole, OrganisationKind, OrganisationStatus
from members.rules import is_forim_staff, organisation_ids

from .models import Audience

ORGANISER_KINDS = [OrganisationKind.FORIM, OrganisationKind.OPERATOR, OrganisationKind.FOSIM, OrganisationKind.COSIM]


def managed_organisation_ids(user):
    """Organisations whose events this user runs (admins and members, not viewers)."""
    return organisation_ids(user, roles=[MemberRole.ADMIN, MemberRole.MEMBER])


def is_network_member(user):
    from members.models import Membership

    return bool(user and user.is_authenticated) and Membership.objects.filter(
        user=user, organisation__status=OrganisationStatus.VALIDATED
    ).exists()


def visible_events_q(user):
    """Open events for everyone; members-only for the network; invited-only for the invited and the organiser."""
    visible = Q(audience=Audience.OPEN)
    if not user or not user.is_authenticated:
        return visible
    if user.is_forim_staff:
        return Q()
    own = organisation_ids(user)
    visible |= Q(organiser_id__in=own) | Q(invitations__organisation_id__in=own)
    if is_network_member(user):
        visible |= Q(audience=Audience.MEMBERS)
    return visible


def visible_events(user, queryset):
    return queryset.filter(visible_events_q(user)).distinct()


@rules.predicate
def can_view_event(user, event):
    from .models import Event

    return visible_events(user, Event.objects.filter(pk=event.pk)).exists()


@rules.predicate
def is_organiser_of(user, event):
    return event is not None and event.organiser_id in managed_organisation_ids(user)


can_manage_event = is_forim_staff | is_organiser_of


def can_create_events(user):
    """Staff, or someone writing for a validated network body (operator, federation, collective)."""
    from members.models import Organisation

    if not user or not user.is_authenticated:
        return False
    return user.is_forim_staff or Organisation.objects.filter(
        pk__in=managed_organisation_ids(user), kind__in=ORGANISER_KINDS, status=OrganisationStatus.VALIDATED
    ).exists()


def organiser_choices(user):
    from members.models import Organisation

    organisations = Organisation.objects.filter(kind__in=ORGANISER_KINDS, status=OrganisationStatus.VALIDATED)
    if not user.is_forim_staff:
        organisations = organisations.filter(pk__in=managed_organisation_ids(user))
    return organisations.order_by("name")


rules.add_perm("events.view_event", can_view_event)
rules.add_perm("events.manage_event", can_manage_event)
