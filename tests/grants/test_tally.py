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


def test_the_lists_take_their_totals_from_the_tally_and_they_equal_a_count(client, association, other_association, staff_user):
    from django.urls import reverse

    from tests.conftest import login

    call, other_call = CallFactory(), CallFactory(title="Autre appel")
    for status, how_many, on in (
        (State.DRAFT, 2, call), (State.SUBMITTED, 3, call), (State.ADMISSIBLE, 2, call), (State.SUBMITTED, 1, other_call),
    ):
        for _ in range(how_many):
            ApplicationFactory(call=on, organisation=association, status=status, sector="water" if on == other_call else "health")
    login(client, staff_user)
    filed = Application.objects.exclude(status=State.DRAFT)
    cases = {
        "": (filed, Application.objects.all()),
        "status=submitted": (filed.filter(status=State.SUBMITTED),) * 2,
        f"call={call.pk}": (filed.filter(call=call), Application.objects.filter(call=call)),
        f"status=submitted&status=admissible&call={call.pk}": (filed.filter(call=call, status__in=[State.SUBMITTED, State.ADMISSIBLE]),) * 2,
        "sector=water": (filed.filter(sector="water"), None),  # not a tally filter: counted as before
    }
    for query, (table, everyone) in cases.items():
        page = client.get(f"{reverse('reviews:applications')}?{query}")
        assert page.context["page"].paginator.count == table.count(), query
        assert client.get(f"/api/v1/instruction/applications/?{query}").json()["count"] == table.count(), query
        if everyone is not None and "status=admissible" not in query:  # the dossiers API filters one state at a time
            assert client.get(f"/api/v1/applications/?{query}").json()["count"] == everyone.count(), query

    client.get(reverse("reviews:applications"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("reviews:applications")).status_code == 200
    assert not [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"] and "grants_application" in q["sql"]]


def test_the_follow_up_list_takes_staffs_total_from_the_tally_and_it_equals_a_count(client, association, staff_user, applicant):
    from django.urls import reverse

    from grants.states import FUNDED_STATES
    from tests.conftest import login

    call, other_call = CallFactory(), CallFactory(title="Autre appel")
    for status, on in ((State.AWARDED, call), (State.IN_PROGRESS, call), (State.CLOSED, other_call), (State.SUBMITTED, call)):
        ApplicationFactory(call=on, organisation=association, status=status, title=f"Forage {status}")
    funded = Application.objects.filter(status__in=FUNDED_STATES)
    cases = {
        "": funded,
        "status=awarded": funded.filter(status=State.AWARDED),
        f"call={call.pk}": funded.filter(call=call),
        "status=submitted": None,  # not a state of this list: the filter refuses it, the list counts
        "q=Forage": funded.filter(title__icontains="Forage"),  # a search: counted
    }
    login(client, staff_user)
    for query, expected in cases.items():
        page = client.get(f"{reverse('awards:followup')}?{query}")
        assert page.status_code == 200, query
        if expected is not None:
            assert page.context["page"].paginator.count == expected.count(), query
    client.get(reverse("awards:followup"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("awards:followup")).status_code == 200
    assert not [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"] and "grants_application" in q["sql"]]

    client.logout()
    login(client, applicant)  # an association counts its own dossiers, never the table's total
    assert client.get(reverse("awards:followup")).context["page"].paginator.count == funded.count()
    other = ApplicationFactory(call=call, status=State.AWARDED)
    assert other.organisation != association
    assert client.get(reverse("awards:followup")).context["page"].paginator.count == funded.filter(organisation=association).count()
