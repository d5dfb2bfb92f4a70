"""The dashboards' figures are computed once per change of the data, not once per request.

A dashboard's panels and totals are kept in Django's cache (Redis in production, the
database cache without it: never a process's memory) under a key that holds a *version*
of the programme's data. Every write the figures depend on bumps the version after its
transaction commits, so the next request computes the figures again and every later one
reads them: the figures stay exact without a counter per cell to keep right.

Where the bumps come from:
- every save or delete of a model of the apps the dashboards read (`TRACKED_APPS`: dossiers
  and their transitions, organisations and network links, awards, visas, top-ups, reports,
  accompaniment, imported past projects), through Django's model signals, connected in `DashboardsConfig.ready()`,
  except a draft's own saves (`_a_drafts_own`: no figure reads a draft);
- the few places that write those tables with `QuerySet.update()` or `bulk_create()` (no
  signal) call `changed()` themselves (`reviews.services`: a dossier's score and awarded
  amount; `generate_scale_data`).

The rules that keep it exact (bumped after commit, never read or written inside a transaction,
entries that expire, a cache that cannot be reached never failing a request) are
`forim_portal.versioned_cache`'s. The key also holds the day (overdue reports, network links
that end) and the language.
"""

from django.apps import apps
from django.db.models.signals import post_delete, post_save
from django.utils import timezone, translation

from forim_portal.versioned_cache import VersionedCache

TIMEOUT = 600
TRACKED_APPS = frozenset({"grants", "members", "awards", "support", "history"})
FIGURES = VersionedCache("dashboards", timeout=TIMEOUT)
VERSION_KEY = FIGURES.version_key
bump, changed, version = FIGURES.bump, FIGURES.changed, FIGURES.version


def _on_write(sender, instance=None, **kwargs):
    if not _a_drafts_own(instance):
        changed()


def _a_drafts_own(instance):
    """A draft's own rows as its association types and autosaves them (the dossier, its budget lines): no
    figure reads them (the dashboards count filed dossiers only, `dashboards.selectors.FILED`; the rule checks
    cached here read other rows) and no dossier goes back to draft, so they change nothing cached. Without
    this, at the deadline hour each autosave made every cached figure stale for everyone. Anything else,
    or a line whose dossier was not loaded with it, bumps."""
    from grants.models import Application, BudgetLine  # dashboards builds on grants: read when asked
    from grants.states import State

    if isinstance(instance, BudgetLine):
        instance = instance._state.fields_cache.get("application")
    return type(instance) is Application and instance.status == State.DRAFT


def connect():
    """Listen to the tracked apps' models only: a receiver for every model would stop Django's fast
    deletes (without receivers, a queryset's delete() runs without loading its rows) everywhere."""
    for model in apps.get_models():
        if model._meta.app_label in TRACKED_APPS:
            post_save.connect(_on_write, sender=model, dispatch_uid=f"dashboards-save-{model._meta.label}")
            post_delete.connect(_on_write, sender=model, dispatch_uid=f"dashboards-delete-{model._meta.label}")


def figures(parts, compute):
    """`compute()`'s result, cached under `parts` (what the figures depend on), the day (overdue reports,
    network links that end), the language and the data's version."""
    return figures_many([(parts, compute)])[0]


def figures_many(entries):
    """`figures` of each `(parts, compute)`, read from the cache in one round trip."""
    scope = [timezone.localdate().isoformat(), translation.get_language() or ""]
    return FIGURES.get_many([([*scope, *parts], compute) for parts, compute in entries])
