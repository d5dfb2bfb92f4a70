"""Benchmark settings: the base settings plus a bare view (the floor), never used in production."""

import os

from forim_portal.settings.base import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.floor_urls"
SECRET_KEY = os.environ.get("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789abcdef")
# Loopback benchmark accounts share one password; hashing stays the real one.
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# The server's own time per request, read by bench/pages.py beside the client's latency.
MIDDLEWARE = ["bench.timing.ServerTimingMiddleware", *MIDDLEWARE]  # noqa: F405
# One Redis database serves the benchmark's three datasets (1,000, 10,000, 100,000 dossiers): each dataset's
# cached figures (tallies, option lists, dashboards) under its own prefix, never another dataset's.
CACHES["default"]["KEY_PREFIX"] = DATABASES["default"]["NAME"]  # noqa: F405
