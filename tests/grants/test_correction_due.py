"""Corrections come with a date to send them back by: chosen by FORIM, 15 days by default, shown and mailed."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from forim_portal.errors import DomainError
from grants import services
from grants.models import CorrectionRequest
from grants.states import State
from tests.conftest import login, with_panels

pytestmark = pytest.mark.django_db


def in_days(days):
    return timezone.localdate() + datetime.timedelta(days=days)


def test_without_a_date_the_association_has_fifteen_days(draft, applicant, staff_user):
    services.submit_application(application=draft, by=applicant)
    correction = services.request_corrections(application=draft, by=staff_user, sections=["budget"], message="Le devis manque.")
    assert correction.due_on == in_days(15) and not correction.is_late


def test_a_date_in_the_past_is_refused_and_nothing_changes(draft, applicant, staff_user):
    services.submit_application(application=draft, by=applicant)
    with pytest.raises(DomainError, match="ne peut pas être passée") as error:
        services.request_corrections(application=draft, by=staff_user, sections=["budget"], message="Le devis manque.", due_on=in_days(-1))
    assert error.value.field == "due_on"
    draft.refresh_from_db()
    assert draft.status == State.SUBMITTED and not CorrectionRequest.objects.exists()


def test_staff_form_keeps_the_input_on_a_past_date_then_the_association_sees_the_date(client, draft, applicant, staff_user, django_capture_on_commit_callbacks):
    services.submit_application(application=draft, by=applicant)
    login(client, staff_user)
    url = reverse("grants:corrections", args=[draft.pk])
    assert f'value="{in_days(15).isoformat()}"' in client.get(url).text  # prefilled: 15 days
    refused = client.post(url, {"sections": ["budget"], "message": "Le devis du forage manque.", "due_on": in_days(-2).isoformat()})
    assert refused.status_code == 200 and "ne peut pas être passée" in refused.text and "Le devis du forage manque." in refused.text
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(url, {"sections": ["budget"], "message": "Le devis du forage manque.", "due_on": "2030-01-31"})
    assert sent.status_code == 302
    assert CorrectionRequest.objects.get().due_on == datetime.date(2030, 1, 31)
    mailed = next(m for m in mail.outbox if m.to == [applicant.email])
    assert "À renvoyer avant le 31 janvier 2030." in mailed.body
    login(client, applicant)
    for page in (reverse("grants:application_detail", args=[draft.pk]), reverse("grants:my_applications"),
                 reverse("grants:application_edit", args=[draft.pk, "budget"])):
        assert "À renvoyer avant le 31 janvier 2030." in client.get(page).text, page


def test_a_late_correction_says_so_to_both_sides(client, draft, applicant, staff_user):
    services.submit_application(application=draft, by=applicant)
    correction = services.request_corrections(application=draft, by=staff_user, sections=["budget"], message="Le devis manque.")
    CorrectionRequest.objects.filter(pk=correction.pk).update(due_on=in_days(-3))
    login(client, applicant)
    assert "la date est passée" in client.get(reverse("grants:application_detail", args=[draft.pk])).text
    login(client, staff_user)
    assert "en retard" in with_panels(client.get(reverse("reviews:application_detail", args=[draft.pk])), client)


def test_the_api_gives_the_association_its_corrections_and_their_date(client, draft, applicant, staff_user):
    services.submit_application(application=draft, by=applicant)
    services.request_corrections(application=draft, by=staff_user, sections=["budget"], message="Le devis manque.", due_on=in_days(7))
    login(client, applicant)
    corrections = client.get(f"/api/v1/applications/{draft.pk}/").json()["corrections"]
    assert [(c["sections"], c["due_on"], c["resolved_at"]) for c in corrections] == [(["budget"], in_days(7).isoformat(), None)]


def test_staff_transition_form_and_api_take_a_date(client, draft, applicant, staff_user):
    services.submit_application(application=draft, by=applicant)
    services.request_corrections(application=draft, by=staff_user, sections=["budget"], message="Premier tour.")
    services.submit_application(application=draft, by=applicant)  # sent back: "resubmit"
    login(client, staff_user)
    refused = client.post(reverse("reviews:transition", args=[draft.pk]), {
        "name": "request_corrections", "sections": ["budget"], "comment": "Encore le devis.", "due_on": "pas une date"})
    assert refused.status_code == 400 and "date valide" in refused.text
    response = client.post(f"/api/v1/instruction/applications/{draft.pk}/transitions/", {
        "name": "request_corrections", "sections": ["budget"], "comment": "Encore le devis.", "due_on": in_days(10).isoformat(),
    }, content_type="application/json")
    assert response.status_code == 200, response.content
    assert CorrectionRequest.objects.order_by("-created_at").first().due_on == in_days(10)


def test_staff_home_lists_late_corrections(client, draft, other_draft, applicant, other_applicant, staff_user):
    for application, by in ((draft, applicant), (other_draft, other_applicant)):
        services.submit_application(application=application, by=by)
        correction = services.request_corrections(application=application, by=staff_user, sections=["budget"], message="Le devis manque.")
    CorrectionRequest.objects.filter(pk=correction.pk).update(due_on=in_days(-4))
    body = login(client, staff_user).get(reverse("accounts:home")).text
    assert "1 demande de corrections en retard" in body
    assert other_draft.organisation.name in body and draft.organisation.name not in body.split("en retard", 1)[1]


def test_the_association_is_reminded_once_two_days_before(draft, applicant, staff_user, settings, django_capture_on_commit_callbacks):
    from grants.tasks import remind_corrections

    assert settings.CELERY_BEAT_SCHEDULE["grants-correction-reminders"]["task"] == "grants.tasks.remind_corrections"
    services.submit_application(application=draft, by=applicant)
    services.request_corrections(application=draft, by=staff_user, sections=["budget"], message="Le devis du forage manque.",
                                 due_on=in_days(10))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_correction_reminders() == 0  # ten days ahead: not yet
        assert services.send_correction_reminders(today=in_days(8)) == 1
        assert services.send_correction_reminders(today=in_days(9)) == 0  # once
    reminder = next(m for m in mail.outbox if m.to == [applicant.email])
    assert "Rappel : corrections du dossier PRA-2026-0001" in reminder.subject
    assert "Le devis du forage manque." in reminder.body and "Budget" in reminder.body
    assert len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_corrections.delay().get() == 0


def test_no_reminder_once_the_corrections_are_sent_back(draft, applicant, staff_user, django_capture_on_commit_callbacks):
    services.submit_application(application=draft, by=applicant)
    services.request_corrections(application=draft, by=staff_user, sections=["budget"], message="Le devis manque.", due_on=in_days(2))
    services.submit_application(application=draft, by=applicant)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_correction_reminders() == 0
    assert mail.outbox == []


def test_the_association_says_what_it_changed_when_it_sends_the_dossier_back(client, draft, applicant, staff_user):
    services.submit_application(application=draft, by=applicant)
    services.request_corrections(application=draft, by=staff_user, sections=["budget"], message="Le devis manque.")
    login(client, applicant)
    page = client.get(reverse("grants:application_edit", args=[draft.pk, "review"])).content.decode()
    assert 'name="changes"' in page and "Ce que vous avez modifié" in page
    response = client.post(reverse("grants:submit", args=[draft.pk]), {"changes": "Devis du foreur ajouté, ligne 3 corrigée."})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == State.SUBMITTED
    assert draft.transitions.get(name="resubmit").comment == "Devis du foreur ajouté, ligne 3 corrigée."
    login(client, staff_user)
    assert "Devis du foreur ajouté" in with_panels(client.get(reverse("reviews:application_detail", args=[draft.pk])), client)


def test_the_api_takes_what_changed_too(draft, applicant, staff_user):
    services.submit_application(application=draft, by=applicant)
    services.request_corrections(application=draft, by=staff_user, sections=["budget"], message="Le devis manque.")
    api = APIClient()
    api.force_authenticate(applicant)
    response = api.post(f"/api/v1/applications/{draft.pk}/submit/", {"changes": "Devis ajouté."}, format="json")
    assert response.status_code == 200, response.json()
    assert draft.transitions.get(name="resubmit").comment == "Devis ajouté."
