"""Who sees which accompaniment: defined once in `access` (re-exported for this app's code)."""

from django.db.models import Q

from access.rules import can_log_for, can_view_accompaniment, is_forim_staff  # noqa: F401
from access.visibility import MemberRole, OrganisationKind, accompanied_q, organisation_ids
from members.models import Organisation


def operator_ids(user, *, writers_only=False):
    """Support operators (OPAP) the user acts for, as a set (writers: admins and members, not viewers)."""
    roles = [MemberRole.ADMIN, MemberRole.MEMBER] if writers_only else None
    return organisation_ids(user, roles=roles, kinds=[OrganisationKind.OPERATOR])


def accompanied_by(operators):
    return Organisation.objects.filter(accompanied_q(operators))


def operators_of(association, operators):
    """Among `operators`, those accompanying `association` (one query)."""
    accompanying = Organisation.objects.filter(pk__in=operators).filter(
        Q(accompanied=association) | Q(accompaniment_agreements__association=association)
    )
    return list(accompanying.distinct().order_by("name"))
