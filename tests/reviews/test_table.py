import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from grants.models import Application
from grants.states import State
from members.models import NetworkLink
from reviews import services
from reviews.models import ReviewAssignment
from tests.conftest import login, with_panels
from tests.factories import ApplicationFactory, OperatorFactory, OrganisationFactory

from .conftest import make_application, score_and_submit, tick_all

pytestmark = pytest.mark.django_db


def _rows(make, count, **fields):
    return [make(**fields) for _ in range(count)]


def test_workflow_page_draws_every_state_for_staff_only(staff_user, applicant, client):
    login(client, staff_user)
    page = client.get(reverse("reviews:workflow")).content.decode()
    assert "<svg" in page and "Présenté au comité (CEP)" in page and "Attribuer" in page and "Équipe FORIM" in page
    login(client, applicant)
    assert client.get(reverse("reviews:workflow")).status_code == 403


@pytest.mark.parametrize("count", [5, 60])
def test_the_table_query_count_does_not_grow_with_rows(make, staff_user, client, reviewers, count, django_assert_max_num_queries):
    applications = _rows(make, count, state=State.UNDER_REVIEW)
    ReviewAssignment.objects.bulk_create([ReviewAssignment(application=a, reviewer=reviewers[0]) for a in applications])
    login(client, staff_user)
    with django_assert_max_num_queries(12):  # incl. the session's second-factor device and the page's review figures
        response = client.get(reverse("reviews:applications"), {"status": "under_review"})
    assert response.status_code == 200
    with django_assert_max_num_queries(14):  # incl. the session's second-factor device and the row count
        export = client.get(reverse("reviews:applications"), {"export": "csv"}).getvalue()  # streamed: read it here
    assert export.decode("utf-8-sig").count("\n") == count + 1


def test_filters_search_and_sort(make, call, staff_user, client, association, other_association):
    operator = OperatorFactory(name="Grdr")
    federation = OrganisationFactory(kind="fosim", name="FASTI")
    NetworkLink.objects.create(member=other_association, network=federation)
    other_association.operator = operator
    other_association.save()
    water = make(title="Puits de Matam", amount_requested=Decimal("8000.00"))
    school = make(organisation=other_association, title="École de Jacmel", amount_requested=Decimal("12000.00"), country="HT")
    Application.objects.filter(pk=school.pk).update(score=Decimal("15.00"))
    ApplicationFactory(call=call, organisation=association, title="Brouillon caché")  # drafts never listed
    login(client, staff_user)

    def refs(**params):
        page = client.get(reverse("reviews:applications"), params).content.decode()
        return [ref for ref in (water.reference, school.reference) if ref in page], page

    assert refs()[0] == [water.reference, school.reference]
    assert "Brouillon caché" not in refs()[1]
    assert refs(q="jacmel")[0] == [school.reference]
    assert refs(country="HT")[0] == [school.reference]
    assert refs(federation=federation.pk)[0] == [school.reference]
    assert refs(operator=operator.pk)[0] == [school.reference]
    assert refs(amount_max="9000")[0] == [water.reference]
    assert refs(score_min="14")[0] == [school.reference]
    assert refs(call=call.pk, status="submitted")[0] == [water.reference, school.reference]
    _found, page = refs(sort="-amount")
    assert page.index(school.reference) < page.index(water.reference)
    _found, page = refs(amount_min="abc")
    assert "Saisissez un nombre" in page or "nombre" in page


def test_exports_follow_the_filters(make, staff_user, client, other_association):
    make(title="Puits de Matam")
    make(organisation=other_association, title="École de Jacmel")
    login(client, staff_user)
    response = client.get(reverse("reviews:applications"), {"q": "Jacmel", "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    titles = [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert titles == ["École de Jacmel"]
    csv = client.get(reverse("reviews:applications"), {"q": "Matam", "export": "csv"}).getvalue().decode("utf-8-sig")
    assert "Puits de Matam" in csv and "Jacmel" not in csv
    assert client.get(reverse("reviews:applications"), {"export": "pdf"}).status_code == 400


def test_bulk_assign_move_and_export(make, staff_user, client, reviewers, call):
    first, second = make(State.UNDER_REVIEW), make(State.SUBMITTED)
    tick_all(second, staff_user)
    login(client, staff_user)
    url = reverse("reviews:applications")
    client.post(url, {"ids": [first.pk, second.pk], "action": "assign"})
    assert first.review_assignments.count() == 2
    assert second.review_assignments.count() == 0  # not admissible yet: reported, not assigned
    response = client.post(url, {"ids": [first.pk, second.pk], "action": "move", "transition": "declare_admissible"}, follow=True)
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.status == State.ADMISSIBLE and first.status == State.UNDER_REVIEW
    assert "impossible" in response.content.decode()
    export = client.post(url, {"ids": [second.pk], "action": "csv"})
    assert second.reference in export.content.decode("utf-8-sig") and first.reference not in export.content.decode("utf-8-sig")


def test_award_is_not_offered_as_a_bulk_move(make, staff_user, client):
    application = make(State.READY_FOR_COMMITTEE)
    login(client, staff_user)
    client.post(reverse("reviews:applications"), {"ids": [application.pk], "action": "move", "transition": "award"})
    application.refresh_from_db()
    assert application.status == State.READY_FOR_COMMITTEE


def test_transition_view_refuses_with_a_message_and_keeps_the_comment(make, staff_user, client):
    application = make()
    login(client, staff_user)
    url = reverse("reviews:transition", args=[application.pk])
    response = client.post(url, {"name": "award", "comment": "Mon motif"})
    assert response.status_code == 400 and "impossible" in response.content.decode()
    response = client.post(url, {"name": "declare_inadmissible", "comment": "", "expected_state": "submitted"})
    assert response.status_code == 400 and "motif" in response.content.decode()
    client.post(url, {"name": "declare_inadmissible", "comment": "Hors délai", "expected_state": "submitted"})
    response = client.post(url, {"name": "declare_admissible", "comment": "", "expected_state": "submitted"})
    assert response.status_code == 409 and "Rechargez la page" in response.content.decode()
    application.refresh_from_db()
    assert application.status == State.INADMISSIBLE


def test_staff_dossier_page_shows_everything(make, staff_user, client, call):
    application = make_application(call, make().organisation, State.UNDER_REVIEW, staff_user, title="Adduction d'eau")
    login(client, staff_user)
    page = with_panels(client.get(reverse("reviews:application_detail", args=[application.pk])), client)
    for expected in ("Adduction d", "Budget et plan de financement", "Recevabilité", "Avis de l'opérateur", "Évaluation",
                     "Notes internes", "Historique", "Inscrire au comité", "Forage"):
        assert expected in page, expected


def _row_of(page, application):
    """The table row of a dossier, from its checkbox to the end of its <tr>."""
    start = page.index(f'value="{application.pk}" id="sel-{application.pk}"')
    return page[start:page.index("</tr>", start)]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_each_row_shows_its_texts_in_the_readers_language(make, staff_user, reviewers, client, language):
    """The texts a row shows are made once for the page (issue 15): they are those of the dossier, in the
    reader's language, as the model's own displays give them."""
    application = make(State.UNDER_REVIEW, country="SN", amount_requested=Decimal("12500.00"))
    first = services.assign_reviewer(application=application, reviewer=reviewers[0], by=staff_user)
    services.assign_reviewer(application=application, reviewer=reviewers[1], by=staff_user)
    score_and_submit(first, [5, 1])
    plain = make(country="HT")  # not scored: no score, no spread
    application.refresh_from_db()
    login(client, staff_user)
    client.cookies["django_language"] = language
    page = client.get(reverse("reviews:applications")).content.decode()
    row, other = _row_of(page, application), _row_of(page, plain)
    with translation.override(language):
        select = "Select" if language == "en" else "Sélectionner"
        assert f'aria-label="{select} {application.reference}"' in row
        assert f'<a href="{reverse("reviews:application_detail", args=[application.pk])}">{application.reference}</a>' in row
        assert f'<span class="badge">{application.get_status_display()}</span>' in row
        assert f'<span class="badge">{plain.get_status_display()}</span>' in other
        assert f"{application.country.name} · {application.call.title}" in row
        assert f"{plain.country.name} · {plain.call.title}" in other
        assert ("€12,500.00" if language == "en" else "12\u202f500,00\u00a0€") in row
        assert ("16.00" if language == "en" else "16,00") in row and "<td>1/2</td>" in row
        assert "<td>—</td>" in other and "<td>0/0</td>" in other


def test_the_status_filter_reads_no_distinct_rows_and_lists_each_dossier_once(make, staff_user, client):
    """The status filter is on the dossier's own column: no SELECT DISTINCT over every column (which made
    PostgreSQL read and sort the whole joined table), and still each dossier once."""
    submitted = [make() for _ in range(3)]
    reviewed = make(State.UNDER_REVIEW)
    make(State.ADMISSIBLE)
    login(client, staff_user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("reviews:applications"), {"status": ["submitted", "under_review"]})
    listed = [a.pk for a in response.context["page"].object_list]
    assert sorted(listed) == sorted(a.pk for a in [*submitted, reviewed])
    assert not [q["sql"] for q in captured.captured_queries if "grants_application" in q["sql"] and "DISTINCT" in q["sql"]]
    api = client.get(reverse("instruction-application-list"), {"status": ["submitted", "under_review"], "page_size": 50}).json()
    assert sorted(row["id"] for row in api["results"]) == sorted(listed)
