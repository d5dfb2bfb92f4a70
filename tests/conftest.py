import os

import pytest
from django.utils import translation

from accounts.models import Role
from members.models import MemberRole

from .factories import PASSWORD, MembershipFactory, OperatorFactory, OrganisationFactory, UserFactory


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Every test writes its files to its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


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


def login(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


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
