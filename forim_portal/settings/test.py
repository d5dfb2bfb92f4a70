"""Test settings: the base settings, with a fast hasher and mail kept in memory."""

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests run tasks in-process (on commit) so they can assert outcomes; the tests marked
# `worker` switch eagerness off to send their tasks through the real broker and worker.
CELERY_TASK_ALWAYS_EAGER = True
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
AXES_FAILURE_LIMIT = 5
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"user": "100000/hour", "anon": "100000/hour"}}  # noqa: F405

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not Django's default in-memory test database: an in-memory database shared
    # between threads uses table locks that ignore the busy timeout, so the concurrency tests
    # would not exercise what production runs (a file in WAL mode, writers waiting their
    # turn). One file per test process, so parallel runs never share it; Django deletes it
    # at the end of the run.
    import os
    import tempfile

    DATABASES["default"]["TEST"] = {"NAME": os.path.join(tempfile.gettempdir(), f"forim-test-{os.getpid()}.sqlite3")}  # noqa: F405
