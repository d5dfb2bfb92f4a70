"""The events API: public agenda, registration, cancellation, check-in; same visibility as the pages."""

import pytest
from rest_framework.test import APIClient

from events.models import Audience, Registration, RegistrationStatus

from .factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_anonymous_sees_open_events_only(api, forim):
    open_event = EventFactory(organiser=forim)
    EventFactory(organiser=forim, audience=Audience.MEMBERS)
    response = api.get("/api/v1/events/")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [open_event.pk]


def test_register_and_waiting_list_and_twice(api, event, applicant, other_applicant, staff_user):
    RegistrationFactory(event=event)
    api.force_authenticate(applicant)
    response = api.post(f"/api/v1/events/{event.pk}/register/", {}, format="json")
    assert response.status_code == 201 and response.json()["status"] == "confirmed"
    response = api.post(f"/api/v1/events/{event.pk}/register/", {}, format="json")
    assert response.status_code == 400 and "déjà inscrit" in str(response.json())
    api.force_authenticate(other_applicant)
    response = api.post(f"/api/v1/events/{event.pk}/register/", {"name": "Fatou"}, format="json")
    assert response.json()["status"] == "waiting"
    assert api.post(f"/api/v1/events/{event.pk}/register/", {"seat": 3}, format="json").status_code == 400


def test_register_on_behalf_of_another_association_is_refused(api, event, applicant, other_association):
    api.force_authenticate(applicant)
    response = api.post(f"/api/v1/events/{event.pk}/register/", {"organisation": other_association.pk}, format="json")
    assert response.status_code == 403
    assert not Registration.objects.exists()


def test_registrations_visible_per_user_and_cancel(api, event, applicant, other_applicant, association):
    mine = RegistrationFactory(event=event, user=applicant, email="tresorier@example.org")
    theirs = RegistrationFactory(event=event, user=other_applicant, email="autre@example.org")
    api.force_authenticate(applicant)
    assert [r["id"] for r in api.get("/api/v1/event-registrations/").json()["results"]] == [mine.pk]
    assert api.get(f"/api/v1/event-registrations/{theirs.pk}/").status_code == 404
    assert api.post(f"/api/v1/event-registrations/{theirs.pk}/cancel/").status_code == 404
    response = api.post(f"/api/v1/event-registrations/{mine.pk}/cancel/")
    assert response.json()["status"] == RegistrationStatus.CANCELLED
    assert Registration.objects.get(pk=theirs.pk).status == RegistrationStatus.CONFIRMED


def test_check_in_by_organiser_only(api, event, applicant, staff_user):
    registration = RegistrationFactory(event=event, user=applicant, email="tresorier@example.org")
    api.force_authenticate(applicant)
    assert api.post(f"/api/v1/event-registrations/{registration.pk}/check-in/", {}, format="json").status_code == 404
    api.force_authenticate(staff_user)
    response = api.post(f"/api/v1/event-registrations/{registration.pk}/check-in/", {"present": True}, format="json")
    assert response.status_code == 200 and response.json()["checked_in_at"]


def test_members_only_event_is_404_for_anonymous(api, forim):
    event = EventFactory(organiser=forim, audience=Audience.MEMBERS)
    assert api.get(f"/api/v1/events/{event.pk}/").status_code == 404
    assert api.post(f"/api/v1/events/{event.pk}/register/", {}, format="json").status_code in (401, 403)
