import os
import re
import uuid
from pathlib import Path

import pytest
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role
from accounts.second_factor import requires_second_factor
from forim_portal.settings.base import s3_storage_options
from members.models import MemberRole

from .factories import PASSWORD, MembershipFactory, OperatorFactory, OrganisationFactory, UserFactory


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Every test writes its files to its own folder: on disk, or under its own prefix in the bucket."""
    settings.MEDIA_ROOT = tmp_path / "media"
    if settings.S3_BUCKET:
        default = {**settings.STORAGES["default"], "OPTIONS": s3_storage_options(f"tests/{uuid.uuid4().hex}")}
        settings.STORAGES = {**settings.STORAGES, "default": default}


@pytest.fixture
def worker_storage(settings):
    """The storage as the worker sees it (the configured MEDIA_ROOT or bucket), not this test's private one."""
    settings.MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", settings.BASE_DIR / "media"))
    if settings.S3_BUCKET:
        settings.STORAGES = {**settings.STORAGES, "default": {**settings.STORAGES["default"], "OPTIONS": s3_storage_options()}}


@pytest.fixture(autouse=True)
def _french_by_default():
    """Each test starts in French: a request in English must not leak into the next test."""
    translation.activate("fr")
    yield
    translation.activate("fr")


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def staff_user(db):
    return UserFactory(role=Role.STAFF, email="staff@example.org")


@pytest.fixture
def admin_user(db):
    return UserFactory(role=Role.ADMIN, is_superuser=True, email="admin@example.org")


@pytest.fixture
def association(db):
    return OrganisationFactory(name="Association des Marocains en France", acronym="AMF")


@pytest.fixture
def other_association(db):
    return OrganisationFactory(name="Plateforme des associations franco-haïtiennes", acronym="PAFHA")


@pytest.fixture
def applicant(association):
    return MembershipFactory(organisation=association, role=MemberRole.ADMIN, user__email="tresorier@example.org").user


@pytest.fixture
def other_applicant(other_association):
    return MembershipFactory(organisation=other_association, role=MemberRole.ADMIN, user__email="autre@example.org").user


@pytest.fixture
def operator_org(db):
    return OperatorFactory(name="Migrations & Développement")


@pytest.fixture
def operator_user(operator_org):
    return MembershipFactory(
        organisation=operator_org, role=MemberRole.ADMIN, user__role=Role.OPERATOR, user__email="opap@example.org"
    ).user


@pytest.fixture
def reviewer(db):
    return UserFactory(role=Role.REVIEWER, email="reviewer@example.org")


def login(client, user, *, second_factor=True):
    """Sign in; staff (who must) also give their second factor, unless the test is about that step."""
    client.force_login(user, backend="accounts.backends.ModelBackend")
    if second_factor and requires_second_factor(user):
        give_second_factor(client, user)
    return client


LOADED_LATER = re.compile(r'<div id="dossier-lower-[\w-]+" hx-get="([^"]+)" hx-trigger="load"[^>]*>.*?</div>', re.DOTALL)


def with_panels(response, client):
    """A page's HTML as a browser shows it once loaded: the part it fetches once shown (`hx-trigger="load"`,
    reviews.dossier_panels) asked by htmx as the browser does and put in its place."""
    html = response.content.decode()

    def fetched(slot):
        part = client.get(slot.group(1), headers={"HX-Request": "true"})
        assert part.status_code == 200, slot.group(1)
        return part.content.decode()

    return LOADED_LATER.sub(fetched, html)


def give_second_factor(client, user):
    """The session as after a good code from the user's (confirmed) authentication app."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    device = device or TOTPDevice.objects.create(user=user, name="Téléphone de test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


@pytest.fixture
def celery_worker_available(settings):
    """A real worker on a real broker, started by CI. Missing it fails in CI, skips elsewhere."""
    if not os.environ.get("CELERY_BROKER_URL"):
        if os.environ.get("FORIM_REQUIRE_WORKER"):
            pytest.fail("FORIM_REQUIRE_WORKER is set but no CELERY_BROKER_URL is configured")
        pytest.skip("no broker configured (CI sets CELERY_BROKER_URL and starts a worker)")
    from forim_portal.celery import app

    if not app.control.ping(timeout=5):
        if os.environ.get("FORIM_REQUIRE_WORKER"):
            pytest.fail("no Celery worker answers on the broker")
        pytest.skip("no Celery worker answers on the broker")
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield app
    app.conf.task_always_eager = eager
