"""E-mails to participants: confirmation, waiting list, place freed, reminder; ceremony invitations."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

from .ics import calendar_bytes
from .models import CeremonyInvitation, Event, Registration

WITH_CALENDAR = {"confirmed", "promoted", "reminder"}


def _language_for(email):
    user = get_user_model().objects.filter(email__iexact=email).only("language").first()
    return (user.language if user else "") or settings.LANGUAGE_CODE


def _send(email, *, template, context, attach_event=None):
    with translation.override(_language_for(email)):
        subject = " ".join(render_to_string(f"events/email/{template}_subject.txt", context).split())
        body = render_to_string(f"events/email/{template}_body.txt", {"site_url": settings.SITE_URL, **context})
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [email])
    if attach_event is not None:
        message.attach(f"evenement-{attach_event.pk}.ics", calendar_bytes([attach_event]), "text/calendar")
    message.send()


def send_registration_email(*, registration_id, kind):
    registration = Registration.objects.select_related("event__organiser", "organisation").filter(pk=registration_id).first()
    if registration is None:
        return
    _send(registration.email, template="registration", context={"registration": registration, "event": registration.event, "kind": kind},
          attach_event=registration.event if kind in WITH_CALENDAR else None)


def send_ceremony_invitations(*, event_id, application_ids):
    from members.models import Membership

    event = Event.objects.select_related("organiser", "call").filter(pk=event_id).first()
    if event is None:
        return 0
    invitations = CeremonyInvitation.objects.filter(event=event, application_id__in=application_ids).select_related("application", "organisation")
    sent = 0
    for invitation in invitations:
        emails = set(Membership.objects.filter(organisation=invitation.organisation, user__is_active=True)
                     .values_list("user__email", flat=True))
        if invitation.organisation.email:
            emails.add(invitation.organisation.email)
        for email in sorted(emails):
            _send(email, template="invitation", context={"invitation": invitation, "event": event}, attach_event=event)
            sent += 1
    return sent
