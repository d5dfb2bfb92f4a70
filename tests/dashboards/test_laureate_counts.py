"""The public laureates page reads its filter's years and countries, its map and its totals from one grouped
query per source when no criterion is given (issue 15): the same figures as counting each one apart."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dashboards.opendata import map_rows
from dashboards.selectors import laureates
from history.models import PastProject
from history.selectors import counts_by_country, public_past_projects

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(db):
    rows = [
        ("PRA-2019-01", 2019, "SN", "Puits de Podor"),
        ("PRA-2019-02", 2019, "ML", "Moulin de Kayes"),
        ("PRA-2020-01", 2020, "SN", "Jardin de Bakel"),
    ]
    return [
        PastProject.objects.create(
            reference=reference,
            year=year,
            country=country,
            title=title,
            organisation_name="Association historique",
            source_row=line,
        )
        for line, (reference, year, country, title) in enumerate(rows, start=2)
    ]


def recounted(rows, past):
    """The map and the totals as counted apart: one query per figure."""
    return map_rows(counts_by_country(rows), counts_by_country(past)), rows.count(), past.count()


def test_unfiltered_page_figures_equal_a_count_of_each(client, programme, history):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("dashboards:laureates"))
    context = response.context
    map_expected, laureates_expected, past_expected = recounted(laureates(), public_past_projects())
    assert context["map_rows"] == map_expected
    assert [(code, portal, past) for code, _name, portal, past, _total in map_expected] == [
        ("SN", 1, 2),
        ("HT", 1, 0),
        ("ML", 0, 1),
    ]
    assert context["page"].paginator.count == laureates_expected == 2
    assert context["past_page"].paginator.count == past_expected == 3
    form = context["filter"].form
    assert [value for value, _label in form.fields["year"].choices][1:] == [2025, 2024, 2020, 2019]
    assert {value for value, _label in form.fields["country"].choices} - {""} == {"SN", "HT", "ML"}
    html = response.content.decode()  # the rows: year, project, association, country, sector label
    for text in (
        '<td data-label="Année">2024</td>',
        'Forage à Matam<br><span class="muted">Matam</span>',
        "Eau, assainissement et environnement",
        "Santé (femmes et enfants)",
        "Sénégal",
        "Haïti",
    ):
        assert text in html, text
    # one grouped query per source, no COUNT of the rows apart
    counts = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 2, counts


@pytest.mark.parametrize("criteria", [{"country": "SN"}, {"year": "2019"}, {"q": "podor"}, {"sector": "water"}])
def test_filtered_page_counts_its_own_rows(client, programme, history, criteria):
    response = client.get(reverse("dashboards:laureates"), criteria)
    filterset = response.context["filter"]
    data = filterset.form.cleaned_data
    past = public_past_projects(
        q=data.get("q"), year=data.get("year"), country=data.get("country"), sector=data.get("sector")
    )
    map_expected, laureates_expected, past_expected = recounted(filterset.qs, past)
    assert response.context["map_rows"] == map_expected
    assert response.context["page"].paginator.count == laureates_expected
    assert response.context["past_page"].paginator.count == past_expected
