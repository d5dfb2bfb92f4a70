"""The dossiers per state and call (`grants.tally`) equal a full count after every kind of write, are read
from the cache between two changes of state, and are not recounted after an autosave.

Transactional tests: commits happen, `on_commit` bumps run and the cache is used, as in production."""

from collections import Counter
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grants import services, tally, workflow
from grants.models import Application
from grants.states import State
from tests.factories import ApplicationFactory, CallFactory
from tests.grants.conftest import complete

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _fresh_version():
    cache.delete(tally.STATUSES.version_key)  # entries of earlier tests (a shared Redis in CI) become unreachable
    yield
    cache.delete(tally.STATUSES.version_key)


def full_count():
    return Counter(Application.objects.values_list("call_id", "status"))


def check():
    counted = dict(full_count())
    assert tally.counts() == counted
    with CaptureQueriesContext(connection) as queries:
        assert tally.counts() == counted  # the second read comes from the cache
    assert not [q["sql"] for q in queries.captured_queries if "grants_application" in q["sql"]]
    return counted


def test_the_tally_follows_every_change_of_state(association, other_association, applicant, staff_user):
    call = CallFactory(max_grant=Decimal("50000.00"), max_grant_share=Decimal("100"))
    other_call = CallFactory(title="Autre appel")
    check()

    draft = services.start_application(call=call, organisation=association, by=applicant)
    assert check()[(call.pk, State.DRAFT)] == 1

    complete(draft)
    version = tally.STATUSES.version()
    services.save_step(application=draft, by=applicant, step="project", values={"title": "Forage du village"})
    assert tally.STATUSES.version() == version  # an autosave changes no state: nothing to count again

    services.submit_application(application=draft, by=applicant)
    counted = check()
    assert (counted.get((call.pk, State.DRAFT), 0), counted[(call.pk, State.SUBMITTED)]) == (0, 1)

    workflow.fire(Application.objects.get(pk=draft.pk), "declare_admissible", by=staff_user)
    assert check()[(call.pk, State.ADMISSIBLE)] == 1

    filed = ApplicationFactory(call=other_call, organisation=other_association, status=State.SUBMITTED)
    assert check()[(other_call.pk, State.SUBMITTED)] == 1
    assert tally.count(exclude_statuses=[State.DRAFT]) == 2
    assert tally.count(statuses=[State.SUBMITTED], calls=[other_call.pk]) == 1
    assert tally.count(calls=[call.pk]) == 1

    filed.delete()
    assert (other_call.pk, State.SUBMITTED) not in check()
    assert tally.count(exclude_statuses=[State.DRAFT]) == Application.objects.exclude(status=State.DRAFT).count() == 1
