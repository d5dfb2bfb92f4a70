"""Figures computed once per change of the data they come from, not once per request.

A `VersionedCache` keeps derived figures in Django's cache (Redis in production, the database
cache without it: never a process's memory), each entry with the *version* of their data it was
computed under; the version and the entry are read in one round trip (`get_many`).
The code that changes that data bumps the version after its transaction commits, so the next
request computes the figures again and every later one reads them: exact without a counter
per cell to keep right.

Rules that keep it exact:
- The version is bumped *after* commit, never before: a request that reads it afterwards
  sees the committed rows. A bump that finds no version (evicted, Redis restarted) starts a
  new one from the clock, always above any version an older entry was stored under.
- Figures are never read from nor written to the cache inside an open transaction (tests,
  or a request that changed data first): they could include writes that never commit.
- Entries expire after `timeout` seconds anyway, a bound if a process dies between a commit
  and its bump, or the cache could not be reached for it.
- A cache that cannot be reached never fails a request: writes go on, figures are computed.
"""

import logging
import time

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save

logger = logging.getLogger(__name__)


class VersionedCache:
    def __init__(self, name, *, timeout=600):
        self.name, self.timeout = name, timeout
        self.version_key = f"{name}:version"

    def bump(self):
        """A new version now (use `changed()` from code that may run inside a transaction)."""
        try:
            try:
                cache.incr(self.version_key)
            except ValueError:  # no version yet, or it was evicted
                cache.set(self.version_key, time.time_ns(), None)
        except Exception:  # Redis down, no cache table: the backends raise various errors
            logger.exception("Could not mark %s as changed", self.name)

    def changed(self, *args, **kwargs):
        """The data changed: the figures are computed again after commit (usable as a signal receiver)."""
        transaction.on_commit(self.bump, robust=True)

    def refresh_on(self, model, *, fields=None, created_only=False):
        """Bump after any save or delete of `model`'s rows (signals; admin, forms and services all save through
        the models). Given `fields`, only after a save that may change one of them: a save of other fields only
        (a user's last login) changes nothing derived. `created_only`: after a row is created or deleted, never
        after an edit (a count of rows)."""
        label = model._meta.label

        def on_save(sender, instance, created=False, update_fields=None, **kwargs):
            if created_only and not created:
                return
            if fields is None or created or update_fields is None or set(fields) & set(update_fields):
                self.changed()

        post_save.connect(on_save, sender=model, weak=False, dispatch_uid=f"{self.name}-save-{label}")
        post_delete.connect(self.changed, sender=model, weak=False, dispatch_uid=f"{self.name}-delete-{label}")

    def version(self):
        current = cache.get(self.version_key)
        if current is None:
            cache.add(self.version_key, time.time_ns(), None)
            current = cache.get(self.version_key)
        return current

    def get(self, parts, compute):
        """`compute()`'s result, cached under `parts` (what else the figures depend on) and the version."""
        return self.get_many([(parts, compute)])[0]

    def get_many(self, entries):
        """The result of each `(parts, compute)` of `entries`, in order: the version and every entry read in one
        round trip (a page that needs several figures waits once), the missing ones computed and kept in one more."""
        if connection.in_atomic_block:
            return [compute() for _parts, compute in entries]
        keys = [":".join([self.name, *(str(part) for part in parts)]) for parts, _compute in entries]
        try:
            # Each entry holds the version it was computed under.
            found = cache.get_many([self.version_key, *keys])
            version = found.get(self.version_key)
            if version is None:
                version = self.version()
        except Exception:  # the cache is unreachable: the figures are computed, as without it
            logger.exception("Could not read %s from the cache", self.name)
            return [compute() for _parts, compute in entries]
        results, computed = [], {}
        for key, (_parts, compute) in zip(keys, entries, strict=True):
            entry = found.get(key)
            if entry is not None and entry[0] == version:
                results.append(entry[1])
            else:
                results.append(compute())
                computed[key] = (version, results[-1])
        if computed:
            try:
                cache.set_many(computed, self.timeout)
            except Exception:
                logger.exception("Could not keep %s in the cache", self.name)
        return results
