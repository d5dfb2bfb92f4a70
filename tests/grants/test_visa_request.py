"""The association asks its support operator for the visa with one button; the operator is e-mailed once a day at most."""

import pytest
from django.core import mail
from django.urls import reverse
from rest_framework.test import APIClient

from forim_portal.errors import DomainError
from grants import services
from tests.conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def accompanied_draft(draft, operator_org, operator_user):
    draft.operator = operator_org
    draft.save(update_fields=["operator"])
    return draft


def test_the_association_asks_for_the_visa_and_the_operator_is_emailed(client, accompanied_draft, applicant, operator_user,
                                                                       django_capture_on_commit_callbacks):
    login(client, applicant)
    step = client.get(reverse("grants:application_edit", args=[accompanied_draft.pk, "operator"])).content.decode()
    assert reverse("grants:visa_request", args=[accompanied_draft.pk]) in step and "Demander le visa" in step
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("grants:visa_request", args=[accompanied_draft.pk]), {"note": "Le budget est prêt."})
    assert response.status_code == 302
    accompanied_draft.refresh_from_db()
    assert accompanied_draft.visa_requested_at is not None
    sent = [m for m in mail.outbox if operator_user.email in m.to]
    assert len(sent) == 1 and "Le budget est prêt." in sent[0].body
    assert reverse("grants:application_detail", args=[accompanied_draft.pk]) in sent[0].body
    again = client.post(reverse("grants:visa_request", args=[accompanied_draft.pk]), {})
    assert again.status_code == 409 and "déjà été prévenu" in again.content.decode()


def test_without_an_operator_or_by_someone_else_it_is_refused(client, draft, applicant, other_applicant, operator_user):
    with pytest.raises(DomainError) as error:
        services.request_visa(application=draft, by=applicant)
    assert error.value.code == "no_operator"
    login(client, other_applicant)
    assert client.post(reverse("grants:visa_request", args=[draft.pk])).status_code == 404
    draft.refresh_from_db()
    assert draft.visa_requested_at is None


def test_the_api_asks_for_the_visa_too(accompanied_draft, applicant, operator_user):
    api = APIClient()
    api.force_authenticate(operator_user)
    assert api.post(f"/api/v1/applications/{accompanied_draft.pk}/request-visa/", {}, format="json").status_code == 403
    api.force_authenticate(applicant)
    response = api.post(f"/api/v1/applications/{accompanied_draft.pk}/request-visa/", {"note": "Merci"}, format="json")
    assert response.status_code == 200, response.json()
    accompanied_draft.refresh_from_db()
    assert accompanied_draft.visa_requested_at is not None
