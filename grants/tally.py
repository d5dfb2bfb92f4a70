"""How many dossiers are in each state of each call, without counting the table on every page.

The staff table and the API lists show a total ("93 999 dossiers", the page count). Counting every
submitted dossier is a scan that grows with the table (15–30 ms at 100,000 on PostgreSQL), on every
page. The tally is one grouped count per change of a dossier's state, kept in Django's cache:

- a dossier's state only moves through the lifecycle engine, which writes a `Transition` row in the
  same transaction (tests/lifecycle/test_source_scan.py refuses any other write of `status`);
- a dossier is created (as a draft, or by an import) or deleted with a save or a delete signal;
- bulk writes without signals (`generate_scale_data`) call `STATUSES.changed()` themselves.

Each of these bumps the tally's version after commit, and the next reader counts again (once).
Autosaves and other edits do not: they change no state, so the tally stays read during the deadline
hour. `tests/grants/test_tally.py` compares the tally with a full count after each kind of write.
"""

from django.db import connection
from django.db.models import Count

from forim_portal.versioned_cache import VersionedCache

STATUSES = VersionedCache("grants-statuses", timeout=3600)


def counts():
    """{(call id, state): number of dossiers}, every call and state, as of the last committed change."""
    from .models import Application

    def compute():
        rows = Application.objects.order_by().values_list("call_id", "status").annotate(n=Count("id"))
        return {(call_id, status): n for call_id, status, n in rows}

    return STATUSES.get(["counts"], compute)


def count(*, statuses=None, calls=None, exclude_statuses=()):
    """Dossiers in these states (all if None, less `exclude_statuses`) of these calls (all if None)."""
    statuses = None if statuses is None else {str(s) for s in statuses}
    calls = None if calls is None else {int(c) for c in calls}
    excluded = {str(s) for s in exclude_statuses}
    return sum(
        n
        for (call_id, status), n in counts().items()
        if (statuses is None or status in statuses) and (calls is None or call_id in calls) and status not in excluded
    )


def connect():
    from .models import Application, Transition

    STATUSES.refresh_on(Application, created_only=True)  # created (a draft, an import) or deleted
    STATUSES.refresh_on(Transition, created_only=True)  # a change of state writes one


def visible_count(user, purpose, *, statuses=None, calls=None, exclude_statuses=()):
    """`count(...)` when this user sees every dossier for this purpose (staff), else None: the caller counts."""
    from access import visibility

    if connection.in_atomic_block or not visibility.sees_every_application(user, purpose):
        return None  # inside a transaction the tally is not cached (see VersionedCache): a plain count is cheaper
    return count(statuses=statuses, calls=calls, exclude_statuses=exclude_statuses)


def count_for_query(user, purpose, params, *, exclude_statuses=(), statuses_param="status", calls_param="call", ignored=()):
    """The tally's answer for a list filtered by nothing but its states and calls (`params`, a QueryDict), else None.

    Any other filter, a search, or a value that is not a known state or a call id: None, and the list
    counts (or refuses the value) as usual."""
    from .states import State

    known = {statuses_param, calls_param, *ignored}
    if any(value for name, value in params.items() if name not in known):
        return None
    statuses = [s for s in params.getlist(statuses_param) if s]
    calls = [c for c in params.getlist(calls_param) if c]
    if any(s not in State.values for s in statuses) or any(not c.isdigit() for c in calls):
        return None
    return visible_count(
        user, purpose, statuses=statuses or None, calls=calls or None, exclude_statuses=exclude_statuses
    )
