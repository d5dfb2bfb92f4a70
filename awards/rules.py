"""Who may see or act on the follow-up of a funded dossier: defined once in `access` (re-exported)."""

from access.rules import (  # noqa: F401
    acts_for_partner,
    can_edit_report,
    can_view_follow_up,
    can_view_partner_report,
    can_view_private,
    is_cofinancing_partner,
)
from access.visibility import OrganisationKind, organisation_ids


def partner_ids(user):
    """The cofinancing partners this user acts for."""
    return organisation_ids(user, kinds=[OrganisationKind.PARTNER])
