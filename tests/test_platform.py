"""The platform itself: health page, settings, demo data, the Celery app."""
import io
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.db.models import Count

from accounts.models import User
from forim_portal.celery import ping
from grants.models import Application, Call
from members.models import Organisation

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"]["ok"] is True
    assert response.json()["broker"]["ok"] is True


@pytest.mark.django_db
def test_healthz_is_503_when_the_broker_is_down(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"]["ok"] is False


def run_manage(*args, **env):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True, env={**{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}, **env}, check=False
    )


def test_production_refuses_to_start_without_a_secret_key():
    env = {"DJANGO_SETTINGS_MODULE": "forim_portal.settings.production", "SECRET_KEY": "", "ALLOWED_HOSTS": "portail.forim.net"}
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert "SECRET_KEY est absente ou trop courte" in result.stderr


def test_production_settings_pass_check_deploy():
    env = {
        "DJANGO_SETTINGS_MODULE": "forim_portal.settings.production",
        "SECRET_KEY": "k" * 30 + "-production-secret-key-for-the-check-0123456789",
        "ALLOWED_HOSTS": "portail.forim.net",
    }
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_demo_data_loads_twice_without_duplicates():
    call_command("load_demo", stdout=io.StringIO())
    counts = (User.objects.count(), Organisation.objects.count(), Call.objects.count(), Application.objects.count())
    call_command("load_demo", stdout=io.StringIO())
    assert counts == (User.objects.count(), Organisation.objects.count(), Call.objects.count(), Application.objects.count())
    assert not Organisation.objects.values("rna").exclude(rna=None).annotate(n=Count("id")).filter(n__gt=1).exists()
    assert Organisation.objects.filter(acronym="COSIM Bretagne").exists()
    assert Organisation.objects.filter(name="Migrations & Développement", kind="operator").exists()
    call = Call.objects.get(year=2026, programme__code="PRA")
    assert (call.max_grant, call.max_grant_share, call.max_total_budget) == (15000, 70, 120000)


def test_ping_task_runs_in_process_in_tests():
    assert ping.delay("bonjour").get(timeout=5, disable_sync_subtasks=False) == {"pong": "bonjour"}


@pytest.mark.worker
def test_a_real_worker_answers_through_the_broker(celery_worker_available):
    """CI starts Redis and a worker; the task travels through them and back."""
    result = celery_worker_available.send_task("forim_portal.ping", args=["salut"])
    assert result.get(timeout=30, disable_sync_subtasks=False) == {"pong": "salut"}
    assert result.status == "SUCCESS"


def test_a_nul_character_in_a_form_is_refused_in_french_before_any_view(client, applicant, db):
    """PostgreSQL cannot store it and no person types it: a 400 that says so, whatever the page."""
    from tests.conftest import login

    login(client, applicant)
    response = client.post("/profil/", {"first_name": "Awa\x00", "last_name": "Diatta", "language": "fr"})
    assert response.status_code == 400 and "caractère nul" in response.text
    applicant.refresh_from_db()
    assert applicant.first_name != "Awa\x00"
    assert client.get("/reseau/", {"q": "a\x00b"}).status_code == 400
