"""The reviewers a dossier may still be given, kept in Django's cache rather than read on every view of the
staff dossier page (four queries: the association's networks, their members, the declared conflicts, the
reviewers).

The list is derived data under a `VersionedCache` (never a process's memory), keyed by the dossier and the
day (a network link ends on a day). Every save or delete of what it reads bumps the version after commit:
a reviewer (their role, activity or name), a membership, a network link, a declared conflict (model signals,
connected in `ReviewsConfig.ready()`; admin, forms and services all save through the models). A login, which
saves `last_login` only, leaves it read. The reviewers already asked are left out by the page from its own
list of assignments, so an assignment needs no bump. Bulk writes without signals (`generate_scale_data`)
must call `FREE_REVIEWERS.changed()` themselves; entries expire after ten minutes anyway. The service that
assigns (`services.assign_reviewer`) checks the conflicts again in the database: a stale list could offer a
reviewer, never assign one in conflict.
"""

from django.utils import timezone
from django.utils.html import format_html

from forim_portal.versioned_cache import VersionedCache

# Named for what it holds, written options: never an entry of the earlier (id, name) lists read as HTML.
FREE_REVIEWERS = VersionedCache("reviews-free-reviewer-options", timeout=600)


def reviewer_option(reviewer):
    """A reviewer as an `<option>` of the assign selects (staff table and dossier page), escaped."""
    return str(format_html('<option value="{}">{}</option>', reviewer.pk, str(reviewer)))


def free_reviewer_options(application):
    """[(id, its `<option>`, escaped)] of the active reviewers without a conflict of interest on this dossier
    (`services.reviewers` less `services.conflicted_reviewer_ids`), in the reviewers' order. Kept written: the
    page only leaves out those already asked and joins the rest (escaping 600 names took 6 ms a view)."""
    from . import services

    def compute():
        conflicted = services.conflicted_reviewer_ids(application)
        reviewers = services.reviewers().only("first_name", "last_name", "email")
        return [(reviewer.pk, reviewer_option(reviewer)) for reviewer in reviewers if reviewer.pk not in conflicted]

    return FREE_REVIEWERS.get([application.pk, application.organisation_id, timezone.localdate().isoformat()], compute)


def connect():
    from django.contrib.auth import get_user_model

    from accounts.models import LISTED_USER_FIELDS
    from members.models import Membership, NetworkLink

    from .models import ConflictDeclaration

    FREE_REVIEWERS.refresh_on(get_user_model(), fields=LISTED_USER_FIELDS)
    for model in (Membership, NetworkLink, ConflictDeclaration):
        FREE_REVIEWERS.refresh_on(model)
