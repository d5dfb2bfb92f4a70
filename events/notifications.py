"""E-mails to participants: confirmation, waiting list, place freed, reminder; ceremony invitations."""

from outbox.mail import send_mail

from .ics import calendar_bytes
from .models import CeremonyInvitation, Event, Registration

WITH_CALENDAR = {"confirmed", "promoted", "reminder"}


def calendar_attachment(event_id):
    """The event's .ics file, built when the e-mail leaves (attachment "events.calendar")."""
    event = Event.objects.select_related("organiser").filter(pk=event_id).first()
    if event is None:
        return None
    return f"evenement-{event.pk}.ics", calendar_bytes([event]), "text/calendar"


def _send(emails, *, template, context, attach_event=None):
    return send_mail(
        to=emails,
        subject_template=f"events/email/{template}_subject.txt",
        body_template=f"events/email/{template}_body.txt",
        context=context,
        attachments=[("events.calendar", [attach_event.pk])] if attach_event is not None else (),
    )


def send_registration_email(*, registration_id, kind):
    registration = (
        Registration.objects.select_related("event__organiser", "organisation").filter(pk=registration_id).first()
    )
    if registration is None:
        return
    _send(
        [registration.email],
        template="registration",
        context={"registration": registration, "event": registration.event, "kind": kind},
        attach_event=registration.event if kind in WITH_CALENDAR else None,
    )


def send_ceremony_invitations(*, event_id, application_ids):
    from members.models import Membership

    event = Event.objects.select_related("organiser", "call").filter(pk=event_id).first()
    if event is None:
        return 0
    invitations = CeremonyInvitation.objects.filter(event=event, application_id__in=application_ids).select_related(
        "application", "organisation"
    )
    sent = 0
    for invitation in invitations:
        emails = set(
            Membership.objects.filter(organisation=invitation.organisation, user__is_active=True).values_list(
                "user__email", flat=True
            )
        )
        if invitation.organisation.email:
            emails.add(invitation.organisation.email)
        sent += len(
            _send(
                sorted(emails),
                template="invitation",
                context={"invitation": invitation, "event": event},
                attach_event=event,
            )
        )
    return sent
