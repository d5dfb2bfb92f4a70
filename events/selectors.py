"""Reads: the agenda, an event's lists, attendance figures, a ceremony's figures."""

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import ngettext

from access import visibility
from forim_portal.rows import choice_labels, pk_url
from members.choices import Region

from .models import Audience, CeremonyInvitation, Event, EventKind, InvitationStatus, Registration, RegistrationStatus

CONFIRMED = Q(registrations__status=RegistrationStatus.CONFIRMED)
PRESENT = CONFIRMED & Q(registrations__checked_in_at__isnull=False)


def with_counts(events):
    return events.annotate(
        confirmed_count=Count("registrations", filter=CONFIRMED, distinct=True),
        waiting_count=Count("registrations", filter=Q(registrations__status=RegistrationStatus.WAITING), distinct=True),
        present_count=Count("registrations", filter=PRESENT, distinct=True),
    )


NO_REGISTRATIONS = {"confirmed_count": 0, "waiting_count": 0, "present_count": 0}


def with_registration_counts(events):
    """These events (a page, never the whole agenda), each given confirmed_count, waiting_count and
    present_count: one grouped query over the registrations of their ids only."""
    rows = list(events)
    if not rows:
        return rows
    confirmed = Q(status=RegistrationStatus.CONFIRMED)
    grouped = (
        Registration.objects.filter(event_id__in=[row.pk for row in rows])
        .values("event_id")
        .order_by()
        .annotate(
            confirmed_count=Count("pk", filter=confirmed),
            waiting_count=Count("pk", filter=Q(status=RegistrationStatus.WAITING)),
            present_count=Count("pk", filter=confirmed & Q(checked_in_at__isnull=False)),
        )
    )
    counts = {row.pop("event_id"): row for row in grouped}
    for event in rows:
        for name, value in counts.get(event.pk, NO_REGISTRATIONS).items():
            setattr(event, name, value)
    return rows


def agenda(user, *, now=None, kind=None):
    """Upcoming (not yet ended) events this user may see, soonest first: plain rows, cut into pages by the
    database; `with_registration_counts` adds the counts to the rows shown only."""
    events = visibility.events(user, Event.objects.filter(ends_at__gte=now or timezone.now()))
    if kind:
        events = events.filter(kind=kind)
    return events.select_related("organiser").order_by("starts_at", "pk")


# The columns an agenda card shows (the calendar file and the API read every column).
AGENDA_PAGE_FIELDS = (
    "kind", "title", "starts_at", "ends_at", "place", "city", "online_url", "capacity", "audience", "organiser__name",
    "organiser__acronym",
)
DAY_AND_TIME = "l j F Y, H:i"


def agenda_page_rows(events):
    """The agenda as its page reads it: the columns its cards show only."""
    return events.only(*AGENDA_PAGE_FIELDS)


def with_agenda_texts(events):
    """The agenda page's events (with `with_registration_counts`), each given the texts its card shows, made for
    this page's events only: labels translated once a page, not once an event (issue 15). `where` is the place
    typed, if any (the card says "online" instead when there is a link); `places` the counted sentence, if limited."""
    kinds, audiences = choice_labels(EventKind.choices), choice_labels(Audience.choices)
    detail_url = pk_url("events:detail")
    for event in events:
        starts, ends = timezone.localtime(event.starts_at), timezone.localtime(event.ends_at)
        event.detail_url = detail_url(event.pk)
        event.kind_label = kinds.get(event.kind, event.kind)
        event.audience_label = "" if event.audience == Audience.OPEN else audiences.get(event.audience, event.audience)
        event.is_full = bool(event.capacity and event.confirmed_count >= event.capacity)
        event.when = f"{date_format(starts, DAY_AND_TIME)} – " + (
            date_format(ends, "H:i") if ends.date() == starts.date() else date_format(ends, DAY_AND_TIME)
        )
        event.where = (f"{event.place}, {event.city}" if event.city else event.place) if event.place else ""
        event.organiser_label = event.organiser.acronym or event.organiser.name
        event.places = ngettext(
            "%(n)s inscrit sur %(c)s places", "%(n)s inscrits sur %(c)s places", event.confirmed_count
        ) % {"n": event.confirmed_count, "c": event.capacity} if event.capacity else ""
    return events


def managed_events(user):
    """Events this user runs: all for FORIM staff, else those of the organisations they write for."""
    return visibility.managed_events(user)


def participants(event, *, search=""):
    registrations = event.registrations.select_related("organisation").order_by("status", "name", "pk")
    if search:
        registrations = registrations.filter(
            Q(name__icontains=search) | Q(email__icontains=search) | Q(organisation__name__icontains=search)
            | Q(organisation__acronym__icontains=search)
        )
    return registrations


def my_registrations(user, event):
    """The user's own active registrations for the event and those for organisations they write for."""
    from members.rules import organisation_ids

    return event.registrations.filter(
        Q(user=user) | Q(email__iexact=user.email) | Q(organisation_id__in=organisation_ids(user))
    ).exclude(status=RegistrationStatus.CANCELLED).select_related("organisation").order_by("created_at")


def attendance_by_event(events):
    return with_counts(events.select_related("organiser")).order_by("-starts_at", "pk")


def _present(events):
    return Registration.objects.filter(event__in=events, status=RegistrationStatus.CONFIRMED)


def attendance_by_organisation(events):
    rows = (_present(events).values("organisation__id", "organisation__name")
            .annotate(registered=Count("pk"), present=Count("pk", filter=Q(checked_in_at__isnull=False)))
            .order_by("-present", "organisation__name"))
    return list(rows)


def attendance_by_region(events):
    labels = dict(Region.choices)
    rows = (_present(events).values("organisation__region")
            .annotate(registered=Count("pk"), present=Count("pk", filter=Q(checked_in_at__isnull=False)))
            .order_by("-present", "organisation__region"))
    return [{**row, "label": labels.get(row["organisation__region"]) or ""} for row in rows]


def ceremony_figures(event):
    """'42 lauréats sur 53 présents ou représentés', diplomas handed, invited not yet marked."""
    counts = dict(event.invitations.values_list("status").annotate(n=Count("pk")).order_by())
    total = sum(counts.values())
    attended = counts.get(InvitationStatus.PRESENT, 0) + counts.get(InvitationStatus.REPRESENTED, 0)
    return {
        "total": total,
        "attended": attended,
        "present": counts.get(InvitationStatus.PRESENT, 0),
        "represented": counts.get(InvitationStatus.REPRESENTED, 0),
        "absent": counts.get(InvitationStatus.ABSENT, 0),
        "unmarked": counts.get(InvitationStatus.INVITED, 0),
        "diplomas": event.invitations.filter(diploma_handed=True).count(),
    }


def ceremony_invitations(event):
    return CeremonyInvitation.objects.filter(event=event).select_related("organisation", "application").order_by("organisation__name", "pk")

