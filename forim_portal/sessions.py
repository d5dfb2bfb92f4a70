"""Sessions read from the cache (Redis) and written through to the database, surviving a cache outage.

Django's `cached_db` engine already keeps every session in the database; but a cache that cannot be
reached makes its writes raise, so every signed-in page would answer 500 while Redis is down. Here the
cache is only a shortcut: when it fails, the failure is logged and the database answers alone."""

import logging

from django.contrib.sessions.backends import cached_db

logger = logging.getLogger(__name__)


class _ForgivingCache:
    """The session cache's few operations, each falling back to "not cached" when the cache fails."""

    def __init__(self, cache):
        self.cache = cache

    def _try(self, operation, *args, fallback=None):
        try:
            return getattr(self.cache, operation)(*args)
        except Exception:  # Redis down or unreachable: the backends raise various errors
            logger.warning("Session cache unavailable (%s): the database answers", operation, exc_info=True)
            return fallback

    def get(self, key, default=None):
        return self._try("get", key, default, fallback=default)

    def set(self, key, value, timeout=None):
        self._try("set", key, value, timeout)

    def delete(self, key):
        self._try("delete", key)

    def __contains__(self, key):
        return bool(self._try("has_key", key, fallback=False))

    async def aget(self, key, default=None):
        try:
            return await self.cache.aget(key, default)
        except Exception:
            logger.warning("Session cache unavailable (aget): the database answers", exc_info=True)
            return default

    async def aset(self, key, value, timeout=None):
        try:
            await self.cache.aset(key, value, timeout)
        except Exception:
            logger.warning("Session cache unavailable (aset): the database answers", exc_info=True)

    async def adelete(self, key):
        try:
            await self.cache.adelete(key)
        except Exception:
            logger.warning("Session cache unavailable (adelete): the database answers", exc_info=True)


class SessionStore(cached_db.SessionStore):
    def __init__(self, session_key=None):
        super().__init__(session_key)
        self._cache = _ForgivingCache(self._cache)
