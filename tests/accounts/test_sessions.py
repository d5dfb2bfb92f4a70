"""Sessions in Redis (production's engine, `forim_portal.sessions`) survive a cache outage: sign-in and
pages go on from the database, and the session is still there when the cache comes back."""

import pytest
from django.contrib.sessions.models import Session
from django.test import override_settings
from django.urls import reverse

from tests.conftest import login

pytestmark = pytest.mark.django_db

UNREACHABLE = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
}
IN_MEMORY = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "sessions-test"}}


@override_settings(SESSION_ENGINE="forim_portal.sessions", CACHES=UNREACHABLE)
def test_pages_answer_from_the_database_while_the_cache_is_unreachable(client, applicant):
    login(client, applicant)
    page = client.get(reverse("grants:my_applications"))
    assert page.status_code == 200
    assert page.wsgi_request.user == applicant
    assert Session.objects.filter(session_key=client.session.session_key).exists()


@override_settings(SESSION_ENGINE="forim_portal.sessions", CACHES=IN_MEMORY)
def test_a_session_written_during_an_outage_is_read_once_the_cache_is_back(client, applicant):
    with override_settings(CACHES=UNREACHABLE):
        login(client, applicant)
    page = client.get(reverse("grants:my_applications"))
    assert page.status_code == 200
    assert page.wsgi_request.user == applicant
