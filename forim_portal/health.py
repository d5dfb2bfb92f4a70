"""`/healthz`: 200 when the database and the broker answer, 503 otherwise."""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


def check_database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down"
        return False, exc.__class__.__name__
    return True, connection.vendor


def check_broker():
    if not settings.CELERY_BROKER_URL:
        return True, "eager"
    from kombu import Connection

    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            transport = conn.transport.driver_name
    except Exception as exc:  # unreachable broker, refused, timeout
        return False, exc.__class__.__name__
    return True, transport


@never_cache
def healthz(request):
    database_ok, database_detail = check_database()
    broker_ok, broker_detail = check_broker()
    ok = database_ok and broker_ok
    body = {
        "status": "ok" if ok else "error",
        "database": {"ok": database_ok, "detail": database_detail},
        "broker": {"ok": broker_ok, "detail": broker_detail},
    }
    return JsonResponse(body, status=200 if ok else 503)
