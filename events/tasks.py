"""Thin tasks: participants' e-mails, ceremony invitations and the reminders (Celery beat)."""

from celery import shared_task

from . import notifications, services


@shared_task
def send_registration_email(registration_id, kind):
    notifications.send_registration_email(registration_id=registration_id, kind=kind)


@shared_task
def send_ceremony_invitations(event_id, application_ids):
    return notifications.send_ceremony_invitations(event_id=event_id, application_ids=application_ids)


@shared_task
def send_event_reminders():
    """Hourly: remind each confirmed participant once, in the two days before the event."""
    return services.send_reminders()
