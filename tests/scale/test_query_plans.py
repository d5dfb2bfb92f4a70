"""Each list page's main query reads the big tables through indexes, never a sequential scan (issue 15).

PostgreSQL only: the plans are PostgreSQL's. A modest dataset (`generate_scale_data`, bulk inserts:
3,000 dossiers, 10,000 associations) is built once for the module, ANALYZEd so the planner has real
statistics, and rolled back at the end. With only 2,000 associations PostgreSQL rightly hashes the
whole organisation table to join a 20-row page; at 6,000 it still does to pick one country's 5 % of
them: 10,000, the issue's smallest size, is where it stops. No planner setting is changed (`enable_seqscan` stays on): with these
statistics a sequential scan is what the planner would pick in production if an index were missing.
Each page is read as its user would; the query that fetches its rows is taken from the queries it
ran and EXPLAINed (FORMAT JSON).
"""

import io
import json
import re

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.management.commands.generate_scale_data import EMAIL_DOMAIN, PROGRAMME_CODE
from accounts.models import User
from grants.models import Application
from grants.states import State
from members.models import Membership, Organisation, OrganisationKind
from tests.conftest import login

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="query plans are PostgreSQL's: this check runs on PostgreSQL (CI), not on SQLite",
    ),
    pytest.mark.django_db,
]

BIG_TABLES = {
    "grants_application", "reviews_review", "members_organisation", "members_organisationcountry", "grants_transition"
}
SCALE = {"associations": 10000, "applications": 3000, "calls": 6, "reviews": 6000, "events": 200}
PAGE_COUNT = re.compile(r'^\s*SELECT COUNT\(\*\) AS "__count" FROM ', re.IGNORECASE)


@pytest.fixture(scope="module")
def scale(django_db_setup, django_db_blocker):
    """The dataset, built once and ANALYZEd inside a transaction that is rolled back after the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("generate_scale_data", **SCALE, stdout=io.StringIO())
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # counts this transaction's rows: the planner sees the dataset
        organisation_id = (
            Application.objects.filter(call__programme__code=PROGRAMME_CODE)
            .exclude(status=State.DRAFT)
            .values("organisation_id")
            .annotate(n=Count("id"))
            .order_by("-n", "organisation_id")[0]["organisation_id"]
        )
        yield {
            "operator": Organisation.objects.filter(kind=OrganisationKind.OPERATOR, rna__startswith="W99").first(),
            "staff": User.objects.get(email=f"equipe1@{EMAIL_DOMAIN}"),
            "association": Membership.objects.filter(organisation_id=organisation_id)
            .select_related("user")
            .first()
            .user,
        }
        transaction.set_rollback(True)


def main_query(queries, table):
    """The query that fetches the page's rows: a SELECT from `table`, the paginated one if any
    (not the queries a prefetch, a filter's options or the navigation add). A paginated page that found
    no rows fetches none: its paginator's COUNT is then the query that applied the page's filters."""
    selects = [
        q["sql"]
        for q in queries
        if re.search(rf'\bFROM "{table}"', q["sql"]) and q["sql"].lstrip().upper().startswith("SELECT")
    ]
    counts = [sql for sql in selects if PAGE_COUNT.match(sql)]
    candidates = [sql for sql in selects if not PAGE_COUNT.match(sql)]
    limited = [sql for sql in candidates if re.search(r"\bLIMIT \d+", sql)]
    found = limited or counts or candidates
    assert found, f"no query on {table}"
    return found[0]


def seq_scans(sql, tables=BIG_TABLES):
    """The big tables this query's plan reads sequentially."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
        raw = cursor.fetchone()[0]
    plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]
    found, nodes = [], [plan]
    while nodes:
        node = nodes.pop()
        if node["Node Type"] == "Seq Scan" and node.get("Relation Name") in tables:
            found.append(node["Relation Name"])
        nodes.extend(node.get("Plans", []))
    return sorted(found)


# (page, who, url, the table its rows come from)
LISTS = [
    ("staff table", "staff", "/instruction/dossiers/", "grants_application"),
    (
        "staff table, submitted water dossiers",
        "staff",
        "/instruction/dossiers/?status=submitted&sector=water",
        "grants_application",
    ),
    ("staff table, best score first", "staff", "/instruction/dossiers/?sort=-score", "grants_application"),
    ("staff table, oldest first", "staff", "/instruction/dossiers/?sort=submitted", "grants_application"),
    ("staff table, by amount", "staff", "/instruction/dossiers/?sort=-amount", "grants_application"),
    ("staff table, by association", "staff", "/instruction/dossiers/?sort=organisation", "grants_application"),
    ("staff table, one country", "staff", "/instruction/dossiers/?country=SN", "grants_application"),
    ("API instruction list", "staff", "/api/v1/instruction/applications/?page_size=50", "grants_application"),
    ("API applications", "staff", "/api/v1/applications/?page_size=50", "grants_application"),
    ("association's dossiers", "association", "/subventions/mes-dossiers/", "grants_application"),
    ("directory", "staff", "/reseau/", "members_organisation"),
    ("directory, one region", "staff", "/reseau/?region=IDF", "members_organisation"),
    ("directory, search", "staff", "/reseau/?q=Grenoble", "members_organisation"),
    ("directory, one country", "staff", "/reseau/?country=SN", "members_organisation"),
    ("API organisations, one country", "staff", "/api/v1/organisations/?country=SN&page_size=50", "members_organisation"),
    ("directory, one operator's associations", "staff", "/reseau/?operator={operator}", "members_organisation"),
    ("directory, validated associations", "staff", "/reseau/?kind=osim&status=validated", "members_organisation"),
    ("API organisations", "staff", "/api/v1/organisations/?page_size=50", "members_organisation"),
    ("events agenda", "staff", "/evenements/", "events_event"),
    ("API events", "staff", "/api/v1/events/", "events_event"),
]


def case_id(row):
    return row.values[0] if hasattr(row, "values") else row[0]


@pytest.mark.parametrize(("page", "who", "url", "table"), LISTS, ids=[case_id(row) for row in LISTS])
def test_list_query_reads_no_big_table_sequentially(scale, page, who, url, table):
    client = login(Client(), scale[who])
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url.format(operator=scale["operator"].pk))
    assert response.status_code == 200, page
    sql = main_query(captured.captured_queries, table)
    assert seq_scans(sql) == [], f"{page}: sequential scan in the plan of\n{sql}"


def test_the_check_sees_a_sequential_scan(scale):
    """A filter no index serves (free text of the project) is reported: the check is not blind."""
    sql = "SELECT id FROM grants_application WHERE UPPER(context::text) LIKE '%VILLAGE%' ORDER BY context LIMIT 25"
    assert seq_scans(sql) == ["grants_application"]


def test_reviewer_picker_reads_users_through_an_index(scale):
    """The staff table's reviewer picker filters every user on `role`: the index on role serves it."""
    client = login(Client(), scale["staff"])
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/instruction/dossiers/").status_code == 200
    picker = [q["sql"] for q in captured.captured_queries
              if re.search(r'\bFROM "accounts_user"', q["sql"]) and re.search(r'"accounts_user"\."role" = ', q["sql"])]
    assert picker, "no query of the users on their role"
    assert seq_scans(picker[0], tables={"accounts_user"}) == [], picker[0]
