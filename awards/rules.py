"""Who may see or act on the follow-up of a funded dossier."""

import rules

from grants.rules import acts_for_applicant, can_view_application, edits_for_applicant, is_accompanying_operator
from members.models import OrganisationKind
from members.rules import is_forim_staff, organisation_ids


def partner_ids(user):
    """The cofinancing partners this user acts for."""
    return organisation_ids(user, kinds=[OrganisationKind.PARTNER])


@rules.predicate
def is_cofinancing_partner(user, application):
    """The user acts for a partner that tops up this dossier."""
    if application is None:
        return False
    ids = partner_ids(user)
    return bool(ids) and application.top_ups.filter(rule__partner_id__in=ids).exists()


@rules.predicate
def acts_for_partner(user, organisation):
    return organisation is not None and organisation.pk in partner_ids(user)


# The follow-up page; partners see the projects they cofinance (no bank or report files).
can_view_follow_up = can_view_application | is_cofinancing_partner
# Agreement, payments detail, reports and their certificates.
can_view_private = is_forim_staff | acts_for_applicant | is_accompanying_operator
can_edit_report = edits_for_applicant
can_view_partner_report = is_forim_staff | acts_for_partner

rules.add_perm("awards.view_follow_up", can_view_follow_up)
rules.add_perm("awards.view_private", can_view_private)
rules.add_perm("awards.edit_report", can_edit_report)
