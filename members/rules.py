"""Who may see or change which organisation. Named predicates used by views, API and templates."""

import rules
from django.db.models import Q
from django.utils import timezone

from accounts.models import Role

from .models import MemberRole, Membership, OrganisationKind


@rules.predicate
def is_forim_staff(user):
    return bool(user and user.is_authenticated and user.is_forim_staff)


def organisation_ids(user, *, roles=None, kinds=None):
    """Ids of the organisations the user acts for (optionally with given member roles / kinds)."""
    if not user or not user.is_authenticated:
        return set()
    memberships = Membership.objects.filter(user=user)
    if roles:
        memberships = memberships.filter(role__in=roles)
    if kinds:
        memberships = memberships.filter(organisation__kind__in=kinds)
    return set(memberships.values_list("organisation_id", flat=True))


def acts_for(user, organisation, *, roles=None):
    if organisation is None or not user or not user.is_authenticated:
        return False
    return organisation.pk in organisation_ids(user, roles=roles)


@rules.predicate
def is_member_of(user, organisation):
    return acts_for(user, organisation)


@rules.predicate
def is_admin_of(user, organisation):
    return acts_for(user, organisation, roles=[MemberRole.ADMIN])


@rules.predicate
def can_edit_for(user, organisation):
    """Administrators and members may write for an organisation; viewers only read."""
    return acts_for(user, organisation, roles=[MemberRole.ADMIN, MemberRole.MEMBER])


@rules.predicate
def is_operator_of(user, organisation):
    """The user acts for the support operator that accompanies this organisation."""
    return (
        organisation is not None
        and organisation.operator_id is not None
        and organisation.operator_id in organisation_ids(user, kinds=[OrganisationKind.OPERATOR])
    )


def coordinated_network_ids(user):
    """Federations and collectives a network coordinator acts for (empty for any other role)."""
    if not user or not user.is_authenticated or user.role != Role.COORDINATOR:
        return set()
    return organisation_ids(user, kinds=[OrganisationKind.FOSIM, OrganisationKind.COSIM])


def active_link_q(prefix=""):
    """A network link still running today (no end date, or one not passed)."""
    return Q(**{f"{prefix}until__isnull": True}) | Q(**{f"{prefix}until__gte": timezone.localdate()})


@rules.predicate
def is_coordinator_of(user, organisation):
    """The user coordinates a federation or collective this organisation currently belongs to."""
    if organisation is None:
        return False
    networks = coordinated_network_ids(user)
    return bool(networks) and organisation.network_links.filter(active_link_q(), network_id__in=networks).exists()


can_view_organisation = is_forim_staff | is_member_of | is_operator_of | is_coordinator_of
can_change_organisation = is_forim_staff | is_admin_of
# People and documents are private to the organisation, FORIM staff and, for documents, its support operator.
can_view_people = is_forim_staff | is_member_of
can_view_documents = is_forim_staff | is_member_of | is_operator_of
can_edit_documents = is_forim_staff | can_edit_for
can_manage_people = is_admin_of

rules.add_perm("members.view_organisation", can_view_organisation)
rules.add_perm("members.change_organisation", can_change_organisation)
rules.add_perm("members.view_people", can_view_people)
rules.add_perm("members.view_documents", can_view_documents)
rules.add_perm("members.change_documents", can_edit_documents)
rules.add_perm("members.manage_people", can_manage_people)
