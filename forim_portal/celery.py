"""The Celery app. Eager (in-process) when no broker is configured."""

import os

from celery import Celery
from celery.signals import task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forim_portal.settings.base")

app = Celery("forim_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="forim_portal.ping")
def ping(value):
    """Echo a value back: proves the broker and a worker answer (health page, CI)."""
    return {"pong": value}


@task_prerun.connect
def read_content_types_afresh(**_):
    """A long-lived worker keeps Django's content-type ids in memory; after `manage.py restore` (or a test
    database flushed between tests) those ids change and audit rows would point at ones that no longer
    exist. Each task reads them again (one small indexed query per model it uses)."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
