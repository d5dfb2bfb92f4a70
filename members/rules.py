"""Who may see or change which organisation: defined once in `access` (re-exported for this app's code)."""

from access.rules import (  # noqa: F401
    can_change_organisation,
    can_edit_documents,
    can_edit_for,
    can_manage_people,
    can_view_documents,
    can_view_organisation,
    can_view_people,
    is_admin_of,
    is_forim_staff,
    is_member_of,
    is_operator_of,
)
from access.visibility import active_link_q, organisation_ids  # noqa: F401
