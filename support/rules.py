"""Who sees which accompaniment: an operator only the associations it accompanies; FORIM staff all."""

import rules
from django.db.models import Q

from members.models import MemberRole, Organisation, OrganisationKind
from members.rules import is_forim_staff, organisation_ids


def operator_ids(user, *, writers_only=False):
    """Support operators (OPAP) the user acts for (writers: admins and members, not viewers)."""
    roles = [MemberRole.ADMIN, MemberRole.MEMBER] if writers_only else None
    return organisation_ids(user, roles=roles, kinds=[OrganisationKind.OPERATOR])


def accompanied_q(operators):
    """Associations that have one of these operators as their OPAP, or an agreement with one."""
    return Q(operator_id__in=operators) | Q(accompaniment_agreements_received__operator_id__in=operators)


def accompanied_by(operators):
    return Organisation.objects.filter(accompanied_q(operators)).distinct()


def visible_associations(user):
    """Associations whose accompaniment this user may see."""
    if is_forim_staff(user):
        return Organisation.objects.exclude(kind__in=[OrganisationKind.OPERATOR, OrganisationKind.PARTNER, OrganisationKind.FORIM])
    return accompanied_by(operator_ids(user))


def operators_of(association, operators):
    """Among `operators`, those accompanying `association` (one query)."""
    accompanying = Organisation.objects.filter(pk__in=operators).filter(
        Q(accompanied=association) | Q(accompaniment_agreements__association=association)
    )
    return list(accompanying.distinct().order_by("name"))


@rules.predicate
def can_view_accompaniment(user, association):
    return is_forim_staff(user) or accompanied_by(operator_ids(user)).filter(pk=association.pk).exists()


@rules.predicate
def can_log_for(user, association):
    """The user writes for an operator that accompanies the association."""
    return bool(operators_of(association, operator_ids(user, writers_only=True)))


rules.add_perm("support.view_accompaniment", can_view_accompaniment)
rules.add_perm("support.add_supportlog", can_log_for)
