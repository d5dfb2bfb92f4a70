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
DOMAIN_TABLES = re.compile(r'"(?:grants|reviews|members|events|awards)_')  # not the sessions, the cache or the throttle


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


def page_and_api_aggregates(client, page_url, api_url):
    """A paginated page and its API list (10 rows): the response, the page's rows, the API's ids, and the
    aggregating queries of both that are not bounded to the rows they show."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(page_url)
    page = response.context["page"].object_list
    found = unbounded_aggregates(captured.captured_queries, page_ids=[row.pk for row in page])
    with CaptureQueriesContext(connection) as captured:
        api_ids = [row["id"] for row in client.get(api_url, {"page_size": 10}).json()["results"]]
    return response, page, api_ids, found + unbounded_aggregates(captured.captured_queries, page_ids=api_ids)


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
    response, page, api_ids, found = page_and_api_aggregates(client, reverse("members:directory"), "/api/v1/organisations/")
    assert len(page) == PAGE_SIZE and len(api_ids) == 10
    assert found == []
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
    export = client.get(reverse("reviews:applications"), {"export": "csv"}).getvalue().decode("utf-8-sig").splitlines()
    column = [cell.strip('"') for cell in export[0].split(";")].index("Évaluations reçues")  # by name: columns get added
    done = {line.split(";")[0]: int(line.split(";")[column]) for line in export[1:]}
    assert done == {a.reference: expected[a.pk][1] for a in dossiers}
    assert selectors.spread_flagged(selectors.with_review_figures([fresh])[0]) is False


# --- the other lists: events, follow-up, France actions, their API lists ------------------------------------

@pytest.fixture
def events(db):
    """Three pages' worth of upcoming events (the API's page is 25), each with registrations."""
    from tests.events.factories import EventFactory, RegistrationFactory

    rows = EventFactory.create_batch(30)
    for event in rows[:6]:
        RegistrationFactory.create_batch(2, event=event, status="confirmed")
    return rows


def test_the_api_events_page_is_bounded(events, staff_user, client):
    """The API cuts the agenda into pages: it lists a page, whatever the number of upcoming events."""
    login(client, staff_user)
    body = client.get("/api/v1/events/", {"page_size": 10}).json()
    assert len(body["results"]) == 10 and body["count"] == 30


def test_api_events_count_registrations_for_their_page_only(events, staff_user, client):
    login(client, staff_user)
    with CaptureQueriesContext(connection) as captured:
        body = client.get("/api/v1/events/", {"page_size": 10}).json()
    ids = [row["id"] for row in body["results"]]
    assert unbounded_aggregates(captured.captured_queries, page_ids=ids) == []


def test_events_agenda_counts_registrations_for_a_page_only(events, staff_user, client):
    login(client, staff_user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("events:agenda"))
    shown = list(response.context["events"])
    assert len(shown) < len(events)  # a page, not every upcoming event
    assert unbounded_aggregates(captured.captured_queries, page_ids=[e.pk for e in shown]) == []


@pytest.fixture
def funded(call, association):
    """More funded dossiers than the follow-up list shows on a page: its rows."""
    from awards.views import PAGE_SIZE as FOLLOW_UP_PAGE

    return [
        ApplicationFactory(call=call, organisation=association, status=State.IN_PROGRESS, awarded_amount=Decimal("9000.00"))
        for _ in range(FOLLOW_UP_PAGE + 5)
    ]


def test_follow_up_list_computes_figures_for_its_page_only(funded, staff_user, client):
    login(client, staff_user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("awards:followup"))
    shown = list(response.context["applications"])
    assert len(shown) < len(funded)  # a page, not every funded dossier
    assert unbounded_aggregates(captured.captured_queries, page_ids=[a.pk for a in shown]) == []


def follow_up_recomputation(applications):
    """Each funded dossier's paid total, top-up total and next open report, read row by row in Python."""
    from awards.models import Payment, Report, TopUp
    from awards.selectors import OPEN_REPORT

    figures = {}
    for application in applications:
        paid = sum((p.amount for p in Payment.objects.filter(tranche__application=application)), Decimal("0.00"))
        top_ups = sum((t.amount for t in TopUp.objects.filter(application=application)), Decimal("0.00"))
        due = [r.due_on for r in Report.objects.filter(application=application, status__in=OPEN_REPORT)]
        figures[application.pk] = (paid, top_ups, min(due, default=None))
    return figures


def test_follow_up_pages_keep_the_filters_and_show_exact_figures(funded, call, staff_user, client):
    """Payments on some dossiers: every page (filters kept in its links) and the export agree with a full recomputation."""
    import datetime

    from awards.services import ensure_follow_up, record_payment

    for index, application in enumerate(funded[:8]):
        ensure_follow_up(application=application)
        if index % 2:
            tranche = application.tranches.order_by("number").first()
            record_payment(tranche=tranche, paid_on=datetime.date(2026, 3, 2), amount=f"{1000 + index},50",
                           reference=f"VIR-{index}", by=staff_user)
    other_call = ApplicationFactory(status=State.IN_PROGRESS, awarded_amount=Decimal("5000.00"))  # filtered out
    login(client, staff_user)

    first = client.get(reverse("awards:followup"), {"call": call.pk})
    page = first.context["page"]
    assert page.paginator.count == len(funded) and page.paginator.num_pages == 2
    assert f"call={call.pk}&amp;page=2" in first.content.decode()
    second = client.get(reverse("awards:followup"), {"call": call.pk, "page": 2})
    shown = list(first.context["applications"]) + list(second.context["applications"])
    assert {a.pk for a in shown} == {a.pk for a in funded} and other_call.pk not in {a.pk for a in shown}
    expected = follow_up_recomputation(funded)
    assert {a.pk: (a.paid_total, a.top_up_total, a.next_report_due) for a in shown} == expected
    assert sum(paid for paid, _top_ups, _due in expected.values()) == Decimal("4018.00")  # 1001,50 + 1003,50 + 1005,50 + 1007,50

    export = client.get(reverse("awards:followup"), {"call": call.pk, "format": "csv"}).content.decode("utf-8-sig").splitlines()
    header = [cell.strip('"') for cell in export[0].split(";")]
    title_column, paid_column = header.index("Projet"), header.index("Versé (€)")
    assert len(export) == len(funded) + 1
    cells = [[cell.strip('"') for cell in line.split(";")] for line in export[1:]]
    assert {row[title_column]: Decimal(row[paid_column].replace(",", ".")) for row in cells} == {
        a.title: expected[a.pk][0] for a in funded
    }


def test_award_api_lists_aggregate_nothing_over_every_row(funded, staff_user, client):
    """Payments, reports, top-ups and rules: plain rows cut into pages (the tranches' `paid` is below)."""
    from awards.services import ensure_follow_up

    for application in funded[:3]:
        ensure_follow_up(application=application)
    login(client, staff_user)
    for url in ("/api/v1/awards/payments/", "/api/v1/awards/reports/", "/api/v1/awards/top-ups/",
                "/api/v1/awards/cofinancing-rules/"):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, {"page_size": 10})
        assert response.status_code == 200, url
        ids = [row["id"] for row in response.json()["results"]]
        assert unbounded_aggregates(captured.captured_queries, page_ids=ids) == [], url


def test_award_tranches_api_sums_payments_for_its_page_only(funded, staff_user, client):
    from awards.services import ensure_follow_up

    for application in funded[:12]:
        ensure_follow_up(application=application)
    login(client, staff_user)
    with CaptureQueriesContext(connection) as captured:
        body = client.get("/api/v1/awards/tranches/", {"page_size": 10}).json()
    assert len(body["results"]) == 10
    ids = [row["id"] for row in body["results"]]
    assert unbounded_aggregates(captured.captured_queries, page_ids=ids) == []


def test_award_tranches_api_paid_is_exact(funded, staff_user, client):
    """`paid`: the sum of the tranche's payments, null while nothing is paid (list and detail)."""
    import datetime

    from awards.models import Tranche
    from awards.services import ensure_follow_up, record_payment

    for application in funded[:3]:
        ensure_follow_up(application=application)
    first = Tranche.objects.filter(application=funded[1]).order_by("number").first()
    for amount in ("1200,00", "300,25"):
        record_payment(tranche=first, paid_on=datetime.date(2026, 3, 2), amount=amount, reference=f"VIR-{amount}", by=staff_user)
    login(client, staff_user)
    rows = client.get("/api/v1/awards/tranches/", {"page_size": 100}).json()["results"]
    paid = {row["id"]: row["paid"] for row in rows}
    assert paid == {t.pk: ("1500.25" if t.pk == first.pk else None) for t in Tranche.objects.all()}
    assert client.get(f"/api/v1/awards/tranches/{first.pk}/").json()["paid"] == "1500.25"


def test_events_page_and_api_counts_are_exact(events, staff_user, client):
    """Confirmed and waiting counts on every page of the agenda and of the API, as in the registrations."""
    from events.models import Registration
    from tests.events.factories import RegistrationFactory

    RegistrationFactory(event=events[0], status="waiting")
    RegistrationFactory(event=events[0], status="cancelled")
    expected = {
        e.pk: (Registration.objects.filter(event=e, status="confirmed").count(),
               Registration.objects.filter(event=e, status="waiting").count())
        for e in events
    }
    login(client, staff_user)
    shown, number = {}, 1
    while True:
        response = client.get(reverse("events:agenda"), {"page": number})
        shown |= {e.pk: (e.confirmed_count, e.waiting_count) for e in response.context["events"]}
        if not response.context["page"].has_next():
            break
        number += 1
    assert number == 2 and shown == expected
    api = client.get("/api/v1/events/", {"page_size": 100}).json()["results"]
    assert {row["id"]: (row["confirmed_count"], row["waiting_count"]) for row in api} == expected
    assert client.get(f"/api/v1/events/{events[0].pk}/").json()["waiting_count"] == 1


def test_events_agenda_keeps_the_type_across_pages(staff_user, client):
    from events.views import AGENDA_PAGE_SIZE
    from tests.events.factories import EventFactory

    EventFactory.create_batch(AGENDA_PAGE_SIZE + 2, kind="training")
    EventFactory.create_batch(3, kind="workshop")
    login(client, staff_user)
    first = client.get(reverse("events:agenda"), {"type": "training"})
    assert first.context["page"].paginator.count == AGENDA_PAGE_SIZE + 2
    assert "type=training&amp;page=2" in first.content.decode()
    second = client.get(reverse("events:agenda"), {"type": "training", "page": 2})
    assert [e.kind for e in second.context["events"]] == ["training", "training"]


def test_france_actions_list_and_api_aggregate_nothing(staff_user, client):
    from members.models import FranceAction

    organisation = OrganisationFactory()
    FranceAction.objects.bulk_create(
        FranceAction(organisation=organisation, title=f"Soutien scolaire n°{n}", domain="education", year=2025)
        for n in range(PAGE_SIZE + 5)
    )
    login(client, staff_user)
    _response, page, api_ids, found = page_and_api_aggregates(client, reverse("members:actions"), "/api/v1/france-actions/")
    assert len(page) == PAGE_SIZE and len(api_ids) == 10
    assert found == []
