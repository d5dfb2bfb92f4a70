"""The directory's total (`members.tally`) equals a full count after every kind of write, is read from the
cache between two changes, is staff's only, and is never used for a filtered list.

Transactional tests: commits happen, `on_commit` bumps run and the cache is used, as in production."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from access import visibility
from members import tally
from members.models import Organisation, OrganisationKind
from tests.conftest import login
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _fresh_version():
    cache.delete(tally.ORGANISATIONS.version_key)  # entries of earlier tests (a shared Redis in CI) become unreachable
    yield
    cache.delete(tally.ORGANISATIONS.version_key)


def counted_from_cache():
    """The tally's answer, checked to equal a full count and to come from the cache the second time."""
    assert tally.count() == Organisation.objects.count()
    with CaptureQueriesContext(connection) as queries:
        total = tally.count()
    assert not [q["sql"] for q in queries.captured_queries if "members_organisation" in q["sql"]]
    return total


def test_the_total_follows_creations_and_deletions_not_edits():
    start = counted_from_cache()
    created = OrganisationFactory(name="Association des Comoriens de Marseille")
    assert counted_from_cache() == start + 1

    version = tally.ORGANISATIONS.version()
    created.city = "Marseille"
    created.save()
    assert tally.ORGANISATIONS.version() == version  # an edit changes no total: nothing to count again

    created.delete()
    assert counted_from_cache() == start


def directory_total(client):
    page = client.get(reverse("members:directory"))
    assert page.status_code == 200
    return page.context["page"].paginator.count


def test_the_directory_takes_staffs_total_from_the_tally_and_counts_otherwise(client, staff_user, coordinator, network_member):
    OrganisationFactory(kind=OrganisationKind.FOSIM, name="Fédération des Maliens de France")
    login(client, staff_user)
    everyone = Organisation.objects.count()
    assert directory_total(client) == everyone
    with CaptureQueriesContext(connection) as queries:
        assert directory_total(client) == everyone
    assert not [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"] and "members_organisation" in q["sql"]]

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/organisations/?page_size=5&ordering=name").json()["count"] == everyone
    assert not [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"] and "members_organisation" in q["sql"]]

    federations = Organisation.objects.filter(kind=OrganisationKind.FOSIM).count()
    filtered = client.get(reverse("members:directory"), {"kind": "fosim"})
    assert filtered.context["page"].paginator.count == federations
    assert client.get("/api/v1/organisations/?kind=fosim").json()["count"] == federations

    client.logout()
    login(client, coordinator)  # sees their collective's members, not the whole network: counted, not the tally
    assert not visibility.sees_every_organisation(coordinator)
    assert directory_total(client) == visibility.organisations(coordinator).count() < Organisation.objects.count()
