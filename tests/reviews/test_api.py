import datetime

import pytest
from django.urls import reverse

from grants.states import State
from reviews import services
from reviews.models import Review, ReviewAssignment
from tests.conftest import login

from .conftest import score_and_submit, tick_all

pytestmark = pytest.mark.django_db


def test_staff_fire_a_transition_and_list_them(make, staff_user, client):
    application = make()
    login(client, staff_user)
    url = reverse("instruction-application-transitions", args=[application.pk])
    response = client.post(url, {"name": "declare_admissible", "expected_state": "submitted"}, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "checklist_incomplete"
    tick_all(application, staff_user)
    available = {t["name"] for t in client.get(url).json()["available"]}
    assert {"declare_admissible", "declare_inadmissible", "request_corrections"} <= available
    response = client.post(url, {"name": "declare_inadmissible", "comment": ""}, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "comment_required"
    response = client.post(url, {"name": "award"}, content_type="application/json")
    assert response.status_code == 400 and "impossible" in response.json()["detail"]
    response = client.post(url, {"name": "declare_admissible", "expected_state": "submitted"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "admissible"
    response = client.post(url, {"name": "declare_inadmissible", "comment": "x", "expected_state": "submitted"}, content_type="application/json")
    assert response.status_code == 409
    assert [h["to"] for h in client.get(url).json()["history"]] == ["admissible"]


def test_the_dossier_list_uses_the_same_filters(make, staff_user, client, other_association):
    make(title="Puits de Matam")
    make(organisation=other_association, title="École de Jacmel")
    login(client, staff_user)
    data = client.get(reverse("instruction-application-list"), {"q": "Jacmel"}).json()
    assert [row["title"] for row in data["results"]] == ["École de Jacmel"]
    assert client.get(reverse("instruction-application-list"), {"colour": "red"}).status_code == 400


def test_non_staff_cannot_use_the_instruction_api(make, applicant, reviewer, operator_user, client):
    application = make()
    for user in (applicant, reviewer, operator_user):
        login(client, user)
        assert client.get(reverse("instruction-application-list")).status_code == 403
        response = client.post(reverse("instruction-application-transitions", args=[application.pk]), {"name": "declare_admissible"}, content_type="application/json")
        assert response.status_code == 403
        assert client.get(reverse("committee-decision-list")).status_code == 403
    application.refresh_from_db()
    assert application.status == State.SUBMITTED


def test_assignments_and_reviews_through_the_api(make, staff_user, reviewers, client, call):
    application = make(State.UNDER_REVIEW)
    login(client, staff_user)
    response = client.post(reverse("review-assignment-list"), {"application": application.pk, "reviewer": reviewers[0].pk}, content_type="application/json")
    assert response.status_code == 201
    assignment = ReviewAssignment.objects.get()
    services.declare_conflict(application=application, reviewer=reviewers[1], reason="Ami du trésorier")
    response = client.post(reverse("review-assignment-list"), {"application": application.pk, "reviewer": reviewers[1].pk}, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "conflict_of_interest"
    criteria = list(call.criteria.all())
    payload = {"assignment": assignment.pk, "recommendation": "fund", "submit": True,
               "scores": [{"criterion": criteria[0].pk, "value": 4}, {"criterion": criteria[1].pk, "value": 3, "comment": "ok"}]}
    login(client, reviewers[2])
    assert client.post(reverse("review-list"), payload, content_type="application/json").status_code == 403
    assert client.post(reverse("review-assignment-list"), {"application": application.pk, "reviewer": reviewers[2].pk}, content_type="application/json").status_code == 403
    assert client.get(reverse("review-assignment-list")).json()["results"] == []
    login(client, reviewers[0])
    assert [a["id"] for a in client.get(reverse("review-assignment-list")).json()["results"]] == [assignment.pk]
    response = client.post(reverse("review-list"), payload, content_type="application/json")
    assert response.status_code == 201 and response.json()["score"] == "15.00"
    again = client.post(reverse("review-list"), payload, content_type="application/json")
    assert again.status_code == 400 and again.json()["code"] == "review_submitted"


def test_reviewer_reads_others_reviews_only_after_sending_theirs(make, staff_user, reviewers, client):
    application = make(State.UNDER_REVIEW)
    first = services.assign_reviewer(application=application, reviewer=reviewers[0], by=staff_user)
    second = services.assign_reviewer(application=application, reviewer=reviewers[1], by=staff_user)
    other = score_and_submit(second, [1, 1])
    login(client, reviewers[0])
    assert client.get(reverse("review-list")).json()["results"] == []
    assert client.get(reverse("review-detail", args=[other.pk])).status_code == 404
    mine = score_and_submit(first, [5, 5])
    ids = {r["id"] for r in client.get(reverse("review-list")).json()["results"]}
    assert ids == {mine.pk, other.pk}
    assert client.get(reverse("review-detail", args=[other.pk])).json()["reviewer"] is None  # names stay with staff


def test_committee_decision_through_the_api(make, call, staff_user, client):
    application = make(State.READY_FOR_COMMITTEE)
    session = services.open_session(call=call, date=datetime.date(2026, 12, 10), by=staff_user)
    login(client, staff_user)
    url = reverse("committee-decision-list")
    response = client.post(url, {"session": session.pk, "application": application.pk, "outcome": "award", "amount": "99999", "reason": "Bien"}, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "amount_too_high"
    response = client.post(url, {"session": session.pk, "application": application.pk, "outcome": "award", "amount": "7000", "reason": "Bien"}, content_type="application/json")
    assert response.status_code == 201
    application.refresh_from_db()
    assert application.status == State.AWARDED
    response = client.post(url, {"session": session.pk, "application": application.pk, "outcome": "reject", "reason": "Non", "expected_state": "ready_for_committee"}, content_type="application/json")
    assert response.status_code == 409


@pytest.mark.parametrize("count", [5, 40])
def test_api_lists_keep_a_constant_query_count(make, staff_user, reviewers, client, count, django_assert_max_num_queries):
    for _ in range(count):
        application = make(State.UNDER_REVIEW)
        score_and_submit(services.assign_reviewer(application=application, reviewer=reviewers[0], by=staff_user), [3, 3])
    login(client, staff_user)
    for name in ("instruction-application-list", "review-assignment-list", "review-list"):
        with django_assert_max_num_queries(14):  # incl. the active organisation of the session
            response = client.get(reverse(name), {"page_size": 100})
        assert response.json()["count"] == count, name


def test_a_transition_or_review_with_an_unknown_field_is_refused_and_changes_nothing(make, staff_user, reviewers, client):
    """The schema says `additionalProperties: false` for these bodies; the API keeps that promise."""
    application = make(State.UNDER_REVIEW)
    login(client, staff_user)
    url = reverse("instruction-application-transitions", args=[application.pk])
    response = client.post(url, {"name": "send_to_committee", "motif": "a typo"}, content_type="application/json")
    assert response.status_code == 400 and "Champ inconnu" in response.json()["motif"][0]
    application.refresh_from_db()
    assert application.status == State.UNDER_REVIEW
    assignment = services.assign_reviewer(application=application, reviewer=reviewers[0], by=staff_user)
    login(client, reviewers[0])
    body = {"assignment": assignment.pk, "scores": [], "note": "?"}
    response = client.post(reverse("review-list"), body, content_type="application/json")
    assert response.status_code == 400 and "note" in response.json()
    assert not Review.objects.filter(assignment=assignment).exists()


def test_a_filed_dossier_without_a_country_is_listed_not_a_500(make, staff_user, client):
    """An older or imported dossier may have no country: the list shows "" for it."""
    with_country, without = make(State.SUBMITTED, country="MA"), make(State.SUBMITTED)
    type(without).objects.filter(pk=without.pk).update(country="")
    login(client, staff_user)
    response = client.get("/api/v1/instruction/applications/")
    assert response.status_code == 200
    countries = {row["id"]: row["country"] for row in response.json()["results"]}
    assert countries == {with_country.pk: "MA", without.pk: ""}
