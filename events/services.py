"""Event rules: create and edit, register (with capacity and a waiting list), cancel, check in, ceremonies."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from forim_portal.errors import DomainError
from grants.states import FUNDED_STATES
from lifecycle.engine import fire
from members.rules import can_edit_for, is_forim_staff, organisation_ids
from outbox.services import send_after_commit, send_once_marked

from .machines import MARK_FOR_STATUS, ORGANISER, PARTICIPANT, REGISTRATION
from .models import (
    ACTIVE_STATUSES,
    Audience,
    CeremonyInvitation,
    Event,
    EventKind,
    InvitationStatus,
    Registration,
    RegistrationStatus,
)
from .rules import can_manage_event, can_view_event, is_network_member, organiser_choices

EVENT_FIELDS = [
    "kind", "title", "organiser", "starts_at", "ends_at", "place", "city", "region", "online_url", "description",
    "capacity", "audience", "registration_deadline", "call",
]
REMINDER_HOURS_BEFORE = 48


def _validation_to_domain(error):
    field, messages = next(iter(error.message_dict.items()))
    return DomainError(" ".join(messages), code="invalid_event", field=None if field == "__all__" else field)


def save_event(*, by, event=None, **values):
    """Create or edit an event; a bad date or a ceremony without its call is refused in French."""
    if event is None:
        event = Event(created_by=by)
    elif not can_manage_event(by, event):
        raise DomainError(_("Vous n'organisez pas cet événement."), code="forbidden", status=403)
    for name, value in values.items():
        if name not in EVENT_FIELDS:
            raise DomainError(_("Champ inconnu : %(name)s.") % {"name": name}, code="unknown_field")
        setattr(event, name, value)
    if event.organiser_id and not organiser_choices(by).filter(pk=event.organiser_id).exists():
        raise DomainError(_("Vous ne pouvez pas organiser au nom de cette organisation."), code="forbidden_organiser",
                          field="organiser", status=403)
    try:
        event.full_clean()
    except ValidationError as error:
        raise _validation_to_domain(error) from None
    with transaction.atomic():
        existing = event.pk is not None
        if existing:
            Event.objects.select_for_update().filter(pk=event.pk).first()
        event.save()
        if existing:
            _fill_places(event, now=timezone.now())  # more places (or none at all): the waiting list moves up
    return event


def registration_closes_at(event):
    return event.registration_deadline or event.starts_at


def _check_can_register(event, *, by, organisation, now):
    if not can_view_event(by, event):
        raise DomainError(_("Événement introuvable."), code="not_found", status=404)
    if now >= registration_closes_at(event):
        closes = formats.date_format(timezone.localtime(registration_closes_at(event)), "DATETIME_FORMAT")
        raise DomainError(_("Les inscriptions sont closes depuis le %(date)s.") % {"date": closes}, code="closed")
    if organisation is not None and not can_edit_for(by, organisation):
        raise DomainError(_("Vous n'agissez pas pour cette organisation."), code="forbidden_organisation", status=403)
    if event.audience == Audience.MEMBERS and not (is_forim_staff(by) or is_network_member(by)):
        raise DomainError(_("Cet événement est réservé aux membres du réseau."), code="members_only", status=403)
    if event.audience == Audience.INVITED and not is_forim_staff(by):
        invited = set(event.invitations.values_list("organisation_id", flat=True)) | {event.organiser_id}
        mine = {organisation.pk} if organisation is not None else organisation_ids(by)
        if not invited & mine:
            raise DomainError(_("Cet événement est sur invitation : votre organisation n'est pas invitée."),
                              code="not_invited", status=403)


def register(*, event, by, organisation=None, name="", email="", now=None):
    """Register `name`/`email` (default: the user) for the event, or put them on the waiting list when it is full.

    The event row is locked while places are counted: of two people taking the last place at once,
    one gets it and the other waits.
    """
    now = now or timezone.now()
    email = (email or by.email).strip().lower()
    name = (name or by.get_full_name() or by.email).strip()
    _check_can_register(event, by=by, organisation=organisation, now=now)
    try:
        with transaction.atomic():
            locked = Event.objects.select_for_update().get(pk=event.pk)
            if locked.registrations.filter(email__iexact=email, status__in=ACTIVE_STATUSES).exists():
                raise DomainError(_("%(email)s est déjà inscrit à cet événement.") % {"email": email}, code="already_registered")
            confirmed = locked.registrations.filter(status=RegistrationStatus.CONFIRMED).count()
            full = locked.capacity is not None and confirmed >= locked.capacity
            registration = Registration.objects.create(
                event=locked, user=by, organisation=organisation, name=name, email=email,
                status=RegistrationStatus.WAITING if full else RegistrationStatus.CONFIRMED,
            )
            _queue_email(registration, "waiting" if full else "confirmed")
    except IntegrityError:
        raise DomainError(_("%(email)s est déjà inscrit à cet événement.") % {"email": email}, code="already_registered") from None
    return registration


def can_cancel(user, registration):
    return bool(REGISTRATION.actor_kinds(user, registration) & {PARTICIPANT, ORGANISER})


def cancel_registration(*, registration, by, now=None):
    """Cancel a place; the first person waiting (in order of registration) takes it and is told by e-mail."""
    if not can_cancel(by, registration):
        raise DomainError(_("Inscription introuvable."), code="not_found", status=404)
    now = now or timezone.now()
    with transaction.atomic():
        Event.objects.select_for_update().get(pk=registration.event_id)  # places are counted under the event's lock
        record = fire(registration, "cancel", by=by, values={"cancelled_at": now})
        freed_place = record.from_state == RegistrationStatus.CONFIRMED
        promoted = _fill_places(registration.event, now=now) if freed_place else []
    return registration, promoted


def _fill_places(event, *, now):
    """Move people from the waiting list into free places, oldest first. The event row is locked by the caller."""
    if event.capacity is None:
        free = None
    else:
        free = event.capacity - event.registrations.filter(status=RegistrationStatus.CONFIRMED).count()
        if free <= 0:
            return []
    waiting = event.registrations.filter(status=RegistrationStatus.WAITING).order_by("created_at", "pk")
    promoted = list(waiting if free is None else waiting[:free])
    for registration in promoted:
        fire(registration, "promote", by=None, values={"promoted_at": now})  # the machine e-mails the person
    return promoted


def _queue_email(registration, kind):
    from .tasks import send_registration_email

    send_after_commit(send_registration_email, registration.pk, kind)


def check_in(*, registration, by, present=True, now=None):
    """Tick (or untick) a participant present on the day."""
    if not can_manage_event(by, registration.event):
        raise DomainError(_("Inscription introuvable."), code="not_found", status=404)
    if registration.status != RegistrationStatus.CONFIRMED:
        raise DomainError(_("%(name)s n'a pas de place confirmée (%(status)s).")
                          % {"name": registration.name, "status": registration.get_status_display()}, code="not_confirmed")
    registration.checked_in_at = (now or timezone.now()) if present else None
    registration.checked_in_by = by if present else None
    registration.save(update_fields=["checked_in_at", "checked_in_by"])
    return registration


def reminders_due(*, now=None):
    now = now or timezone.now()
    return Registration.objects.filter(
        status=RegistrationStatus.CONFIRMED, reminder_sent_at__isnull=True,
        event__starts_at__gt=now, event__starts_at__lte=now + datetime.timedelta(hours=REMINDER_HOURS_BEFORE),
    )


def send_reminders(*, now=None):
    """E-mail each confirmed participant once, in the two days before the event. Returns how many."""
    from .tasks import send_registration_email

    now = now or timezone.now()
    sent = 0
    for registration in reminders_due(now=now).select_related("event__organiser"):
        not_reminded = Registration.objects.filter(pk=registration.pk, reminder_sent_at__isnull=True)
        sent += send_once_marked(not_reminded, send_registration_email, registration.pk, "reminder", reminder_sent_at=now)
    return sent


# Ceremonies

def laureates(call):
    from grants.models import Application

    return Application.objects.filter(call=call, status__in=FUNDED_STATES).select_related("organisation")


def _check_ceremony(event, by):
    if event.kind != EventKind.CEREMONY or event.call_id is None:
        raise DomainError(_("Cet événement n'est pas une cérémonie des lauréats liée à un appel."), code="not_ceremony")
    if not can_manage_event(by, event):
        raise DomainError(_("Vous n'organisez pas cet événement."), code="forbidden", status=403)


def invite_laureates(*, event, by, now=None):
    """Invite every laureate of the ceremony's call not yet invited, and e-mail their association. Re-runnable."""
    _check_ceremony(event, by)
    now = now or timezone.now()
    invited_ids = set(event.invitations.values_list("application_id", flat=True))
    new = [
        CeremonyInvitation(event=event, application=application, organisation=application.organisation, invited_at=now)
        for application in laureates(event.call) if application.pk not in invited_ids
    ]
    with transaction.atomic():
        created = CeremonyInvitation.objects.bulk_create(new, ignore_conflicts=True)
        from .tasks import send_ceremony_invitations

        event_id = event.pk
        application_ids = [invitation.application_id for invitation in new]
        send_after_commit(send_ceremony_invitations, event_id, application_ids)
    return len(created)


def mark_invitation(*, invitation, by, status, represented_by="", diploma_handed=False, now=None):
    """On the day: present, represented (by whom) or absent, and the diploma handed or not."""
    _check_ceremony(invitation.event, by)
    if status not in InvitationStatus.values:
        raise DomainError(_("Présence inconnue."), code="bad_status", field="status")
    represented_by = (represented_by or "").strip()
    if status == InvitationStatus.REPRESENTED and not represented_by:
        raise DomainError(_("Indiquez qui représente l'association."), code="missing_representative", field="represented_by")
    if diploma_handed and status not in (InvitationStatus.PRESENT, InvitationStatus.REPRESENTED):
        raise DomainError(_("Un diplôme ne peut être remis qu'à un lauréat présent ou représenté."),
                          code="diploma_absent", field="diploma_handed")
    fire(invitation, MARK_FOR_STATUS[status], by=by, values={
        "represented_by": represented_by if status == InvitationStatus.REPRESENTED else "",
        "diploma_handed": diploma_handed,
        "marked_at": now or timezone.now(),
    })
    return invitation
