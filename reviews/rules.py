"""Who may see which dossier, review or committee in the instruction: defined once in `access` (re-exported)."""

from access.rules import (  # noqa: F401
    can_give_opinion,
    can_instruct,
    can_read_for_review,
    can_read_review,
    is_assigned_reviewer,
    is_reviewer,
)
