"""The Celery app. Eager (in-process) when no broker is configured."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forim_portal.settings.base")

app = Celery("forim_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="forim_portal.ping")
def ping(value):
    """Echo a value back: proves the broker and a worker answer (health page, CI)."""
    return {"pong": value}
