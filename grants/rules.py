"""Who may see or act on which dossier: defined once in `access` (re-exported for this app's code)."""

from access.rules import acts_for_applicant, can_view_application, edits_for_applicant, is_accompanying_operator  # noqa: F401
