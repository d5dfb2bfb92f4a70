"""The dashboards' figures are computed once per change of the data, not once per request.

A dashboard's panels and totals are kept in Django's cache (Redis in production, the
database cache without it: never a process's memory) under a key that holds a *version*
of the programme's data. Every write the figures depend on bumps the version after its
transaction commits, so the next request computes the figures again and every later one
reads them: the figures stay exact without a counter per cell to keep right.

Where the bumps come from:
- every save or delete of a model of the apps the dashboards read (`TRACKED_APPS`: dossiers
  and their transitions, organisations and network links, awards, visas, top-ups, reports,
  accompaniment), through Django's model signals, connected in `DashboardsConfig.ready()`;
- the few places that write those tables with `QuerySet.update()` or `bulk_create()` (no
  signal) call `changed()` themselves (`reviews.services`: a dossier's score and awarded
  amount; `generate_scale_data`).

Rules that keep it exact:
- The version is bumped *after* commit, never before: a request that reads it afterwards
  sees the committed rows. A bump that finds no version (evicted, Redis restarted) starts a
  new one from the clock, always above any version an older entry was stored under.
- Figures are never read from nor written to the cache inside an open transaction (tests,
  or a request that changed data first): they could include writes that never commit.
- The key also holds the day (overdue reports, network links that end) and the language.
- Entries expire after `TIMEOUT` seconds anyway, a bound if a process dies between a
  commit and its bump, or the cache could not be reached for it.
- A cache that cannot be reached never fails a request: writes go on, figures are computed.
"""

import logging
import time

from django.apps import apps
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone, translation

logger = logging.getLogger(__name__)

VERSION_KEY = "dashboards:version"
TIMEOUT = 600
TRACKED_APPS = frozenset({"grants", "members", "awards", "support"})


def _new_version():
    return time.time_ns()


def bump():
    """A new version now (use `changed()` from code that may run inside a transaction).

    A cache that cannot be reached never fails the write that changed the data (it is committed):
    the failure is logged, and the figures cached before it expire after `TIMEOUT` at the latest."""
    try:
        try:
            cache.incr(VERSION_KEY)
        except ValueError:  # no version yet, or it was evicted
            cache.set(VERSION_KEY, _new_version(), None)
    except Exception:  # Redis down, no cache table: the backends raise various errors
        logger.exception("Could not mark the dashboards' figures as changed")


def changed():
    """The data behind the dashboards changed: their figures are computed again after commit."""
    transaction.on_commit(bump, robust=True)


def version():
    current = cache.get(VERSION_KEY)
    if current is None:
        cache.add(VERSION_KEY, _new_version(), None)
        current = cache.get(VERSION_KEY)
    return current


def _on_write(sender, **kwargs):
    changed()


def connect():
    """Listen to the tracked apps' models only: a receiver for every model would stop Django's fast
    deletes (without receivers, a queryset's delete() runs without loading its rows) everywhere."""
    for model in apps.get_models():
        if model._meta.app_label in TRACKED_APPS:
            post_save.connect(_on_write, sender=model, dispatch_uid=f"dashboards-save-{model._meta.label}")
            post_delete.connect(_on_write, sender=model, dispatch_uid=f"dashboards-delete-{model._meta.label}")


def figures(parts, compute):
    """`compute()`'s result, cached under `parts` (what the figures depend on) and the data's version."""
    if connection.in_atomic_block:
        return compute()
    try:
        key = ":".join(
            [
                "dashboards",
                str(version()),
                timezone.localdate().isoformat(),
                translation.get_language() or "",
                *(str(part) for part in parts),
            ]
        )
        found = cache.get(key)
    except Exception:  # the cache is unreachable: the figures are computed, as without it
        logger.exception("Could not read the dashboards' figures from the cache")
        return compute()
    if found is None:
        found = compute()
        try:
            cache.set(key, found, TIMEOUT)
        except Exception:
            logger.exception("Could not keep the dashboards' figures in the cache")
    return found
