import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from grants.models import Application
from grants.states import State
from members.models import NetworkLink
from reviews.models import ReviewAssignment
from tests.conftest import login
from tests.factories import ApplicationFactory, OperatorFactory, OrganisationFactory

from .conftest import make_application, tick_all

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
    page = client.get(reverse("reviews:application_detail", args=[application.pk])).content.decode()
    for expected in ("Adduction d", "Budget et plan de financement", "Recevabilité", "Avis de l'opérateur", "Évaluation",
                     "Notes internes", "Historique", "Inscrire au comité", "Forage"):
        assert expected in page, expected
