"""The staff table's option lists (calls, networks, operators, reviewers) come from the cache between two
changes and follow every change; its FilterSet, built without django-filter's deep copies, validates,
filters and renders as django-filter's own (issue 15).

The cache tests are transactional: commits happen, `on_commit` bumps run and the cache is used, as in
production."""

import re
from decimal import Decimal

import django_filters
import pytest
from django.core.cache import cache
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from forim_portal.options import OPTIONS
from grants.states import State
from members.models import NetworkLink
from reviews import selectors, table
from reviews.filters import ApplicationFilter
from tests.conftest import login
from tests.factories import CallFactory, OperatorFactory, OrganisationFactory, UserFactory
from tests.reviews.conftest import make_application

# The reads the cache saves: each list's own table (the rows' joins read them FROM grants_application).
OPTION_READS = re.compile(
    r'FROM "grants_call"|FROM "members_organisation" WHERE|FROM "accounts_user" WHERE \(?"accounts_user"\."is_active"'
)


def options_of(html, name):
    """[(value, label)] of a select of the page."""
    block = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', block)


@pytest.fixture
def _fresh_version():
    cache.delete(OPTIONS.version_key)  # entries of earlier tests (a shared Redis in CI) become unreachable
    yield
    cache.delete(OPTIONS.version_key)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_fresh_version")
def test_the_option_lists_are_read_once_and_follow_every_change(staff_user, client):
    call = CallFactory(title="Appel Sahel")
    operator = OperatorFactory(name="Grdr <Sud>", acronym="GRDR")
    federation = OrganisationFactory(kind="fosim", name="FASTI", acronym="")
    reviewer = UserFactory(role=Role.REVIEWER, first_name="Awa", last_name="Diop")
    login(client, staff_user)
    url = reverse("reviews:applications")

    first = client.get(url).content.decode()
    assert options_of(first, "call") == [("", "Tous"), (str(call.pk), "Appel Sahel")]
    assert options_of(first, "operator") == [("", "Tous"), (str(operator.pk), "Grdr &lt;Sud&gt; (GRDR)")]
    assert options_of(first, "federation") == [("", "Tous"), (str(federation.pk), "FASTI")]
    assert options_of(first, "collective") == [("", "Tous")]
    assert options_of(first, "reviewer")[1:] == [(str(reviewer.pk), "Awa Diop")]
    with CaptureQueriesContext(connection) as captured:
        second = client.get(url).content.decode()
    assert not [q["sql"] for q in captured.captured_queries if OPTION_READS.search(q["sql"])]
    for name in ("call", "operator", "federation", "collective", "reviewer"):
        assert options_of(second, name) == options_of(first, name)

    version = OPTIONS.version()
    login(client, reviewer)  # a login saves the last login only: no list changes
    login(client, staff_user)
    assert OPTIONS.version() == version

    call.title = "Appel Sahel 2026"
    call.save()
    other_call = CallFactory(title="Appel Caraïbes")
    operator.delete()
    reviewer.is_active = False
    reviewer.save()
    newcomer = UserFactory(role=Role.REVIEWER, first_name="Jean", last_name="Baptiste")
    page = client.get(url).content.decode()
    assert dict(options_of(page, "call")) == {
        "": "Tous",
        str(call.pk): "Appel Sahel 2026",
        str(other_call.pk): "Appel Caraïbes",
    }
    assert options_of(page, "operator") == [("", "Tous")]
    assert options_of(page, "reviewer")[1:] == [(str(newcomer.pk), "Jean Baptiste")]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_fresh_version")
def test_a_value_is_checked_against_the_database_not_the_cached_list(staff_user, client):
    """The list may lag behind a change by a request; what is accepted never does."""
    operator = OperatorFactory(name="Grdr")
    login(client, staff_user)
    url = reverse("reviews:applications")
    assert options_of(client.get(url).content.decode(), "operator") == [("", "Tous"), (str(operator.pk), str(operator))]
    gone = operator.pk
    operator.delete()
    page = client.get(url, {"operator": gone}).content.decode()
    assert 'class="form-field field-error"' in page and "Sélectionnez un choix valide" in page
    assert "Aucun dossier ne correspond à ces filtres." in page


class DjangoFiltersOwn(ApplicationFilter):
    """The same declared filters, built the way django-filter builds them (deep copies, a form class each time)."""

    __init__ = django_filters.FilterSet.__init__
    get_form_class = django_filters.FilterSet.get_form_class


# The staff table's template loop over the filter fields, before `table.fields_html` wrote them.
TEMPLATE_FIELDS = Template(
    """{% for field in filter.form %}{% if field.name != "q" %}
    <div class="form-field{% if field.errors %} field-error{% endif %}">
      <label for="{{ field.id_for_label }}">{{ field.label }}</label>{{ field }}
      {% if field.errors %}<ul class="errorlist">{% for e in field.errors %}<li>{{ e }}</li>{% endfor %}</ul>{% endif %}
    </div>
    {% endif %}{% endfor %}"""
)


@pytest.mark.django_db
def test_the_light_filterset_validates_filters_and_renders_as_django_filters_own(
    call, staff_user, association, other_association
):
    operator = OperatorFactory(name="Grdr")
    federation = OrganisationFactory(kind="fosim", name="FASTI")
    NetworkLink.objects.create(member=other_association, network=federation)
    other_association.operator = operator
    other_association.save()
    make_application(
        call, association, State.SUBMITTED, staff_user, title="Puits de Matam", amount_requested=Decimal("8000.00")
    )
    make_application(call, other_association, State.UNDER_REVIEW, staff_user, title="École de Jacmel", country="HT")
    queries = [
        {},
        {"q": "jacmel"},
        {"status": ["submitted", "under_review"], "sort": "reference"},
        {"federation": federation.pk},
        {"operator": operator.pk, "amount_max": "9000"},
        {"country": "HT", "region": "IDF"},
        {"call": call.pk, "sort": "-amount"},
        {
            "amount_min": "abc",
            "score_max": "<b>",
            "call": "999999",
            "status": "bogus",
            "sector": "nowhere",
            "sort": "x",
        },
    ]
    declared = ApplicationFilter.base_filters
    # as declared when this test starts (other code, e.g. the API schema, may have read a declared filter's field)
    as_declared = {name: dict(vars(f)) for name, f in declared.items()}
    for params in queries:
        request = RequestFactory().get("/", params)
        request.user = staff_user
        light, own = (
            cls(request.GET, queryset=selectors.staff_applications(staff_user), request=request)
            for cls in (ApplicationFilter, DjangoFiltersOwn)
        )
        assert light.is_valid() == own.is_valid(), params
        assert light.errors == own.errors, params
        if own.is_valid():
            assert light.form.cleaned_data == own.form.cleaned_data
            assert list(light.qs.values_list("pk", flat=True)) == list(own.qs.values_list("pk", flat=True)), params
        assert str(table.fields_html(light.form, skip={"q"})) == TEMPLATE_FIELDS.render(Context({"filter": own})), (
            params
        )
        assert all(f.parent is light for f in light.filters.values()) and all(
            f.parent is own for f in own.filters.values()
        )
    assert {name: dict(vars(f)) for name, f in declared.items()} == as_declared  # building a FilterSet changed none


def test_the_quick_number_input_writes_what_djangos_writes():
    from django import forms

    from forim_portal.widgets import QuickNumberInput

    for value in (None, "", "12", "1,5", '<b>"', 3, Decimal("2.50")):
        for attrs in ({"id": "id_n"}, {"id": "id_n", "aria-invalid": "true", "required": True, "disabled": False}):
            quick, django = QuickNumberInput(attrs={"step": "any"}), forms.NumberInput(attrs={"step": "any"})
            assert quick.render("n", value, attrs) == django.render("n", value, attrs), (value, attrs)
