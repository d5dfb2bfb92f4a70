"""No list aggregates over every row before its page is cut (issue 15).

Each test reads a list, captures its queries and checks that every query carrying an aggregate
(GROUP BY, COUNT/MAX/MIN/SUM/AVG) is bounded to the rows shown: an IN list of the page's ids, a
LIMIT before the GROUP BY, or the one organisation's rows. The paginator's bare COUNT(*) of the
filtered rows is the only aggregate allowed over the table (it reads an index, computes no figure).
"""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count, Max
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from grants.states import State
from members.models import Membership
from members.views import PAGE_SIZE
from reviews import selectors, services
from reviews.models import ReviewAssignment
from tests.conftest import login
from tests.factories import (
    ApplicationFactory,
    CallFactory,
    CriterionFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.reviews.conftest import make_application, score_and_submit

pytestmark = pytest.mark.django_db

AGGREGATE = re.compile(r"\bGROUP BY\b|\b(?:COUNT|MAX|MIN|SUM|AVG)\s*\(", re.IGNORECASE)
PAGE_COUNT = re.compile(r'^\s*SELECT COUNT\(\*\) AS "__count" FROM ', re.IGNORECASE)
ID_LIST = re.compile(r"\bIN \(([\d,\s]+)\)", re.IGNORECASE)
DOMAIN_TABLES = re.compile(r'"(?:grants|reviews|members)_')  # not the sessions, the cache or the throttle


def unbounded_aggregates(queries, *, page_ids=(), bound=None):
    """The aggregating queries not bounded to the rows shown (see the module's docstring)."""
    found = []
    for sql in (query["sql"] for query in queries):
        upper = sql.upper()
        if not upper.lstrip().startswith("SELECT") or not AGGREGATE.search(sql) or not DOMAIN_TABLES.search(sql):
            continue
        if PAGE_COUNT.match(sql) and "GROUP BY" not in upper:
            continue
        ids = [{int(value) for value in match.split(",")} for match in ID_LIST.findall(sql)]
        if page_ids and any(values and values <= set(page_ids) for values in ids):
            continue
        if "LIMIT" in upper and "GROUP BY" in upper and upper.index("LIMIT") < upper.index("GROUP BY"):
            continue
        if bound is not None and re.search(bound, sql):
            continue
        found.append(sql)
    return found


@pytest.fixture
def dossiers(call, staff_user, association, reviewers):
    """30 dossiers in review (more than a page), some with reviewers and sent reviews."""
    rows = [make_application(call, association, State.UNDER_REVIEW, staff_user) for _ in range(30)]
    for index, application in enumerate(rows[:12]):
        first = services.assign_reviewer(application=application, reviewer=reviewers[0], by=staff_user)
        second = services.assign_reviewer(application=application, reviewer=reviewers[1], by=staff_user)
        score_and_submit(first, [index % 5 + 1, 3])
        if index % 2:
            score_and_submit(second, [1, 1])
    return rows


@pytest.fixture
def call(db):
    call = CallFactory(envelope=Decimal("30000.00"), reviewers_per_application=2)
    CriterionFactory(call=call, label="Pertinence", weight=Decimal("3"), scale_max=5, position=0)
    CriterionFactory(call=call, label="Pérennité", weight=Decimal("1"), scale_max=5, position=1)
    return call


@pytest.fixture
def reviewers(db):
    return [UserFactory(role=Role.REVIEWER, email=f"scale{n}@example.org", last_name=f"Scale{n}") for n in range(3)]


def full_recomputation(applications):
    """Each dossier's figures read from every assignment and review, in Python: what the lists must show."""
    figures = {}
    for application in applications:
        assignments = list(ReviewAssignment.objects.filter(application=application).select_related("review"))
        sent = [a.review.score for a in assignments if hasattr(a, "review") and a.review.submitted_at is not None]
        figures[application.pk] = (len(assignments), len(sent), max(sent, default=None), min(sent, default=None))
    return figures


def test_the_helper_catches_figures_annotated_over_every_dossier(dossiers, staff_user):
    """The way the staff table used to read its rows is what these tests refuse."""
    sent = selectors.SUBMITTED
    every_row = selectors.staff_applications(staff_user).annotate(
        reviews_done=Count("review_assignments", filter=sent, distinct=True),
        score_high=Max("review_assignments__review__score"),
    )
    with CaptureQueriesContext(connection) as captured:
        page = list(every_row.order_by("-submitted_at", "-pk")[:25])
    assert len(page) == 25
    assert len(unbounded_aggregates(captured.captured_queries, page_ids=[a.pk for a in page])) == 1


def test_staff_table_computes_figures_for_its_page_only(dossiers, staff_user, client):
    login(client, staff_user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("reviews:applications"), {"sort": "reference"})
    page = response.context["page"].object_list
    assert len(page) == 25 and response.context["page"].paginator.count == 30
    assert unbounded_aggregates(captured.captured_queries, page_ids=[a.pk for a in page]) == []
    expected = full_recomputation(page)
    assert {a.pk: (a.reviewers_count, a.reviews_done, a.score_high, a.score_low) for a in page} == expected


def test_api_lists_compute_figures_for_their_page_only(dossiers, staff_user, client):
    login(client, staff_user)
    for name in ("instruction-application-list", "application-list"):
        with CaptureQueriesContext(connection) as captured:
            body = client.get(reverse(name), {"page_size": 10}).json()
        ids = [row["id"] for row in body["results"]]
        assert len(ids) == 10 and body["count"] == 30, name
        assert unbounded_aggregates(captured.captured_queries, page_ids=ids) == [], name


def test_association_list_counts_its_own_dossiers_only(association, applicant, client):
    mine = [ApplicationFactory(organisation=association) for _ in range(3)]
    ApplicationFactory.create_batch(5)  # other associations' dossiers
    login(client, applicant)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("grants:my_applications"))
    assert {a.pk for a in response.context["applications"]} == {a.pk for a in mine}
    own_rows = rf'"organisation_id" = {association.pk}\b'
    assert unbounded_aggregates(captured.captured_queries, bound=own_rows) == []


def test_directory_page_and_api_count_nothing_over_every_organisation(staff_user, client):
    for _ in range(PAGE_SIZE + 5):
        MembershipFactory(organisation=OrganisationFactory())
    login(client, staff_user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("members:directory"))
    page = response.context["page"].object_list
    assert len(page) == PAGE_SIZE
    assert unbounded_aggregates(captured.captured_queries, page_ids=[o.pk for o in page]) == []
    with CaptureQueriesContext(connection) as captured:
        body = client.get("/api/v1/organisations/", {"page_size": 10}).json()
    assert len(body["results"]) == 10
    assert unbounded_aggregates(captured.captured_queries, page_ids=[row["id"] for row in body["results"]]) == []
    # the export still says how many portal members each organisation has
    export = client.get(reverse("members:directory"), {"export": "csv"}).content.decode("utf-8-sig").splitlines()
    counts = dict(Membership.objects.values_list("organisation__name").annotate(n=Count("id")).order_by())
    assert len(export) == response.context["page"].paginator.count + 1
    for line in export[1:]:
        cells = line.split(";")
        assert int(cells[-1]) == counts.get(cells[0].strip('"'), 0)


def test_figures_stay_exact_after_a_sequence_of_service_calls(dossiers, staff_user, reviewers, client):
    """Assign, send, unassign, declare a conflict: the table and the API agree with a full recomputation."""
    fresh, other = dossiers[20], dossiers[21]
    third = services.assign_reviewer(application=fresh, reviewer=reviewers[2], by=staff_user)
    score_and_submit(third, [5, 5])
    draft_only = services.assign_reviewer(application=other, reviewer=reviewers[2], by=staff_user)
    services.save_review(
        assignment=draft_only, by=reviewers[2], scores={c.pk: (2, "") for c in other.call.criteria.all()}
    )
    services.unassign_reviewer(
        assignment=ReviewAssignment.objects.get(application=dossiers[0], reviewer=reviewers[1]), by=staff_user
    )
    leaving = services.assign_reviewer(application=dossiers[22], reviewer=reviewers[1], by=staff_user)
    services.unassign_reviewer(assignment=leaving, by=staff_user)
    expected = full_recomputation(dossiers)
    assert expected[fresh.pk] == (1, 1, Decimal("20.00"), Decimal("20.00")) and expected[other.pk][:2] == (1, 0)

    login(client, staff_user)
    shown = {}
    for number in (1, 2):
        page = client.get(reverse("reviews:applications"), {"sort": "reference", "page": number}).context["page"]
        shown |= {a.pk: (a.reviewers_count, a.reviews_done, a.score_high, a.score_low) for a in page.object_list}
    assert shown == expected
    api = client.get(reverse("instruction-application-list"), {"page_size": 100}).json()["results"]
    assert {row["id"]: (row["reviewers_count"], row["reviews_done"]) for row in api} == {
        k: v[:2] for k, v in expected.items()
    }
    export = client.get(reverse("reviews:applications"), {"export": "csv"}).content.decode("utf-8-sig").splitlines()
    done = {line.split(";")[0]: int(line.split(";")[11]) for line in export[1:]}
    assert done == {a.reference: expected[a.pk][1] for a in dossiers}
    assert selectors.spread_flagged(selectors.with_review_figures([fresh])[0]) is False
