"""The dashboards serve their figures from the cache, and the services that change the data make
them computed again: after each service call every figure equals a full recomputation.

Transactional tests: outside a test transaction, commits happen, `on_commit` bumps run and the
cache is used, as in production.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from awards.services import record_payment, record_signed_agreement
from dashboards import cache as figures_cache
from dashboards.selectors import builders_for, panels, scope_for, summary
from grants import services as grants_services
from grants.models import Application
from grants.states import State
from reviews import services as reviews_services
from tests.conftest import login
from tests.factories import ApplicationFactory, CallFactory
from tests.grants.conftest import complete
from tests.reviews.conftest import make_application

pytestmark = pytest.mark.django_db(transaction=True)

AGGREGATE = re.compile(r"\b(COUNT|SUM|AVG|GROUP BY)\b", re.IGNORECASE)


@pytest.fixture(autouse=True)
def _fresh_version():
    cache.delete(figures_cache.VERSION_KEY)  # entries of earlier tests (a shared Redis in CI) become unreachable
    yield
    cache.delete(figures_cache.VERSION_KEY)


def shown(response):
    """What the page shows: every panel's rows and the totals."""
    assert response.status_code == 200
    return {panel.key: panel.rows for panel in response.context["panels"]}, response.context["totals"]


def recomputed(user, *, staff):
    """The same figures computed from every row, without the cache."""
    applications, _label = scope_for(user)
    return {
        panel.key: panel.rows for panel in panels(applications, builders_for(user, staff=staff), user=user)
    }, summary(applications)


@pytest.fixture
def programme(association, other_association, operator_org, applicant, staff_user):
    association.operator = operator_org
    association.save()
    call = CallFactory(envelope=Decimal("100000.00"), max_grant=Decimal("50000.00"), max_grant_share=Decimal("100"))
    return {
        "call": call,
        "draft": complete(ApplicationFactory(call=call, organisation=association, created_by=applicant)),
        "ready": make_application(
            call,
            association,
            State.READY_FOR_COMMITTEE,
            staff_user,
            country="SN",
            sector="health",
            amount_requested=Decimal("12000.00"),
        ),
        "filed": make_application(
            call, other_association, State.SUBMITTED, staff_user, country="HT", amount_requested=Decimal("9000.00")
        ),
    }


def test_every_figure_equals_a_full_recomputation_after_each_service_call(
    client, staff_user, operator_user, applicant, other_applicant, programme
):
    operator_client = client.__class__()
    login(client, staff_user)
    login(operator_client, operator_user)

    def check():
        staff_page = shown(client.get(reverse("dashboards:staff")))
        assert staff_page == recomputed(staff_user, staff=True)
        assert shown(client.get(reverse("dashboards:staff"))) == staff_page  # the second read, from the cache
        assert shown(operator_client.get(reverse("dashboards:mine"))) == recomputed(operator_user, staff=False)
        return staff_page[1]

    before = check()
    grants_services.submit_application(application=programme["draft"], by=applicant)
    submitted = check()
    assert submitted["filed"] == before["filed"] + 1
    assert submitted["requested"] == before["requested"] + Decimal("14000.00")

    session = reviews_services.open_session(call=programme["call"], date=datetime.date(2026, 12, 10), by=staff_user)
    reviews_services.record_decision(
        session=session,
        application=programme["ready"],
        by=staff_user,
        outcome="award",
        amount="10000",
        reason="Projet pertinent",
    )
    decided = check()
    assert (decided["funded"], decided["awarded"]) == (
        submitted["funded"] + 1,
        submitted["awarded"] + Decimal("10000.00"),
    )

    awarded = Application.objects.get(pk=programme["ready"].pk)
    record_signed_agreement(
        application=awarded,
        by=staff_user,
        signed_file=SimpleUploadedFile("convention.pdf", b"%PDF-1.4 signed", content_type="application/pdf"),
    )
    first = awarded.tranches.get(number=1)
    record_payment(tranche=first, paid_on="2026-02-01", amount=first.amount, reference="VIR-1", by=staff_user)
    check()
    assert Application.objects.get(pk=awarded.pk).status == State.IN_PROGRESS

    grants_services.withdraw_application(application=programme["filed"], by=other_applicant, comment="Projet reporté")
    withdrawn = check()
    assert withdrawn["filed"] == decided["filed"] - 1


def test_a_dashboard_read_from_the_cache_runs_no_aggregate_over_the_dossiers(
    client, staff_user, operator_user, programme
):
    login(client, staff_user)
    call = programme["call"]
    for url in (
        reverse("dashboards:staff"),
        reverse("dashboards:staff") + f"?call={call.pk}",
        reverse("dashboards:staff_csv", args=["pays"]),
    ):
        client.get(url)  # computes once
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        touching = [query["sql"] for query in queries.captured_queries if "grants_application" in query["sql"]]
        assert touching == [], touching
        assert not [query["sql"] for query in queries.captured_queries if AGGREGATE.search(query["sql"])]
    login(client, operator_user)
    client.get(reverse("dashboards:mine"))
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("dashboards:mine"))
    assert not [query["sql"] for query in queries.captured_queries if "grants_application" in query["sql"]]


def test_each_scope_and_call_has_its_own_figures(client, staff_user, operator_user, programme):
    call = programme["call"]
    other_call = CallFactory(title="Autre appel")
    ApplicationFactory(call=other_call, status=State.SUBMITTED, amount_requested=Decimal("3000.00"))
    login(client, staff_user)
    everything = client.get(reverse("dashboards:staff")).context["totals"]
    one_call = client.get(reverse("dashboards:staff"), {"call": call.pk}).context["totals"]
    assert everything["filed"] == one_call["filed"] + 1
    login(client, operator_user)
    assert client.get(reverse("dashboards:mine")).context["totals"]["filed"] == 1  # the accompanied dossier only


def test_inside_a_transaction_the_figures_are_computed_not_cached(staff_user, programme):
    from django.db import transaction

    compute_calls = []

    def compute():
        compute_calls.append(1)
        return {"n": Application.objects.count()}

    with transaction.atomic():
        assert figures_cache.figures(("test",), compute) == {"n": 3}
        assert figures_cache.figures(("test",), compute) == {"n": 3}
    assert len(compute_calls) == 2
    assert figures_cache.figures(("test",), compute) == figures_cache.figures(("test",), compute)
    assert len(compute_calls) == 3


def test_a_lost_version_never_brings_back_old_figures(staff_user, programme):
    first = figures_cache.version()
    figures_cache.figures(("lost",), lambda: "old")
    cache.delete(figures_cache.VERSION_KEY)  # evicted, or Redis restarted without its data
    assert figures_cache.version() > first
    assert figures_cache.figures(("lost",), lambda: "new") == "new"
    bumped = figures_cache.version()
    figures_cache.bump()
    assert figures_cache.version() == bumped + 1


def test_an_unreachable_cache_never_fails_a_write_nor_a_page(client, staff_user, applicant, programme):
    login(client, staff_user)
    nowhere = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    with override_settings(CACHES=nowhere):
        grants_services.submit_application(application=programme["draft"], by=applicant)  # its bump fails, logged
        assert Application.objects.get(pk=programme["draft"].pk).status == State.SUBMITTED
        assert shown(client.get(reverse("dashboards:staff"))) == recomputed(staff_user, staff=True)


def test_a_drafts_autosaves_leave_the_figures_cached_and_exact(client, staff_user, applicant, programme):
    """At the deadline hour every association autosaves: a draft's own saves (its steps, its budget lines) change
    no figure, so they keep the cached ones; its submission, and any filed dossier's save, makes them new."""
    login(client, staff_user)
    draft = programme["draft"]
    first = shown(client.get(reverse("dashboards:staff")))
    version = figures_cache.version()

    grants_services.save_step(application=draft, by=applicant, step="project", values={"title": "Puits solaire, version 2"})
    line = draft.budget_lines.order_by("pk").first()
    kept = grants_services.save_step(application=draft, by=applicant, step="budget", values={}, lines=[
        {"id": line.pk, "label": "Forage", "category": "investment", "quantity": "1", "unit_cost": "18500"},
        {"label": "Formation du comité de l'eau", "category": "operating", "quantity": "2", "unit_cost": "250"},
    ])
    grants_services.save_step(application=draft, by=applicant, step="budget", values={}, lines=[  # as it was
        {"id": line.pk, "label": "Forage", "category": "investment", "quantity": "1", "unit_cost": "18000"},
        {"id": kept[1], "delete": True},
    ])
    assert figures_cache.version() == version
    with CaptureQueriesContext(connection) as queries:
        again = shown(client.get(reverse("dashboards:staff")))
    assert again == first == recomputed(staff_user, staff=True)
    assert not [q for q in queries if AGGREGATE.search(q["sql"]) and "grants_application" in q["sql"]]

    filed = Application.objects.get(pk=programme["filed"].pk)
    filed.amount_requested = Decimal("9500.00")
    filed.save()
    assert figures_cache.version() != version
    grants_services.submit_application(application=Application.objects.get(pk=draft.pk), by=applicant)
    assert shown(client.get(reverse("dashboards:staff"))) == recomputed(staff_user, staff=True) != first
