"""The directory's network and operator selects and the follow-up list's call select come from the cache
(forim_portal.options) between two changes, follow every change, and still refuse a removed choice.

Transactional: commits happen, `on_commit` bumps run and the cache is used, as in production."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forim_portal.options import OPTIONS
from members.models import OrganisationKind
from tests.conftest import login
from tests.factories import CallFactory, OperatorFactory, OrganisationFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _fresh_version():
    cache.delete(OPTIONS.version_key)  # entries of earlier tests (a shared Redis in CI) become unreachable
    yield
    cache.delete(OPTIONS.version_key)


def options_of(html, name):
    block = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return [label for _, label in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', block)]


def read(client, url, table):
    """The page's HTML, and whether it read `table`'s option rows."""
    with CaptureQueriesContext(connection) as queries:
        html = client.get(url).content.decode()
    return html, any(f'FROM "{table}" WHERE' in q["sql"] or f'FROM "{table}" ORDER' in q["sql"] for q in queries.captured_queries)


def test_the_directory_selects_follow_every_change_of_the_networks(client, staff_user):
    federation = OrganisationFactory(kind=OrganisationKind.FOSIM, name="Fédération des Maliens", acronym="")
    operator = OperatorFactory(name="Grdr", acronym="GRDR")
    login(client, staff_user)
    url = reverse("members:directory")
    html, _ = read(client, url, "members_organisation")
    assert options_of(html, "federation") == ["Tous", "Fédération des Maliens"]
    assert options_of(html, "operator") == ["Tous", str(operator)]

    html, listed = read(client, url + "?page=1", "members_organisation")
    assert options_of(html, "federation") == ["Tous", "Fédération des Maliens"] and not listed

    federation.name = "Fédération des Maliens de France"
    federation.save()
    OrganisationFactory(kind=OrganisationKind.COSIM, name="COSIM Occitanie", acronym="")
    html, _ = read(client, url, "members_organisation")
    assert options_of(html, "federation") == ["Tous", "Fédération des Maliens de France"]
    assert options_of(html, "collective") == ["Tous", "COSIM Occitanie"]

    gone = federation.pk
    federation.delete()
    html, _ = read(client, url, "members_organisation")
    assert options_of(html, "federation") == ["Tous"]
    refused = client.get(url, {"federation": gone})
    assert refused.status_code == 200 and refused.context["filter"].errors.get("federation")


def test_the_follow_up_call_select_follows_new_and_renamed_calls(client, staff_user):
    call = CallFactory(title="Appel 2025")
    login(client, staff_user)
    url = reverse("awards:followup")
    assert "Appel 2025" in options_of(client.get(url).content.decode(), "call")
    _, listed_again = read(client, url, "grants_call")
    assert not listed_again

    call.title = "Appel PRA/OSIM 2025"
    call.save()
    CallFactory(title="Appel 2026")
    labels = options_of(client.get(url).content.decode(), "call")
    assert "Appel PRA/OSIM 2025" in labels and "Appel 2026" in labels and "Appel 2025" not in labels
    assert labels[0] == "Tous" and options_of(client.get(url).content.decode(), "status")[0] == "Tous"
