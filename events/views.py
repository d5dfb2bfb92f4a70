"""Event pages: public agenda and .ics, an event, registration, organiser's lists, check-in, ceremony, figures."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from access import visibility
from access.permissions import has_perm, visible_or_404
from forim_portal.errors import DomainError
from forim_portal.exports import export_response

from . import selectors, services
from .forms import EventForm, InvitationMarkForm, RegistrationForm
from .ics import calendar_bytes
from .models import Event, EventKind, InvitationStatus, RegistrationStatus
from .rules import can_create_events

AGENDA_PAGE_SIZE = 20


def _visible_event(request, pk):
    """An event this user may see, or 404 (same answer as a missing one)."""
    return visible_or_404(visibility.events(request.user).select_related("organiser", "call"), pk=pk)


def _managed_event(request, pk):
    """An event this user runs, or 404 (organisers' pages are not shown to participants)."""
    events = visibility.managed_events(request.user, visibility.events(request.user))
    return visible_or_404(events.select_related("organiser", "call"), pk=pk)


def _ics_response(events, filename, name):
    response = HttpResponse(calendar_bytes(events, name=name), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.ics"'
    return response


def agenda(request):
    kind = request.GET.get("type") if request.GET.get("type") in EventKind.values else ""
    events = selectors.agenda_page_rows(selectors.agenda(request.user, kind=kind))
    page = Paginator(events, AGENDA_PAGE_SIZE).get_page(request.GET.get("page"))
    # for this page's events only: their registrations counted, then the texts their cards show
    page.object_list = selectors.with_agenda_texts(selectors.with_registration_counts(page.object_list))
    return render(request, "events/agenda.html", {
        "page": page, "events": page.object_list, "query": urlencode({"type": kind}) if kind else "",
        "kinds": EventKind.choices, "kind": kind, "can_create": can_create_events(request.user),
    })


def agenda_ics(request):
    return _ics_response(selectors.agenda(request.user), "agenda-forim", _("Agenda du FORIM"))


def event_ics(request, pk):
    event = _visible_event(request, pk)
    return _ics_response([event], f"evenement-{event.pk}", event.title)


def _detail_context(request, event, form=None):
    figures = selectors.with_counts(Event.objects.filter(pk=event.pk)).get()
    closes_at = services.registration_closes_at(event)
    context = {"event": event, "figures": figures, "manage": has_perm(request.user, "events.manage_event", event),
               "closes_at": closes_at, "registration_open": timezone.now() < closes_at}
    if request.user.is_authenticated:
        context["mine"] = list(selectors.my_registrations(request.user, event))
        context["form"] = form or RegistrationForm()
    if event.kind == EventKind.CEREMONY:
        context["ceremony"] = selectors.ceremony_figures(event)
    return context


def detail(request, pk):
    event = _visible_event(request, pk)
    return render(request, "events/detail.html", _detail_context(request, event))


@login_required
@require_POST
def register(request, pk):
    event = _visible_event(request, pk)
    form = RegistrationForm(request.POST)
    if form.is_valid():
        organisation = request.organisation if form.cleaned_data["on_behalf"] else None
        try:
            if form.cleaned_data["on_behalf"] and organisation is None:
                raise DomainError(_("Vous n'agissez pour aucune association."), code="no_organisation")
            registration = services.register(event=event, by=request.user, organisation=organisation,
                                             name=form.cleaned_data["name"], email=form.cleaned_data["email"])
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            if registration.status == RegistrationStatus.CONFIRMED:
                messages.success(request, _("Inscription confirmée pour %(name)s. Un e-mail de confirmation est envoyé.") % {"name": registration.name})
            else:
                messages.warning(request, _("L'événement est complet : %(name)s est sur la liste d'attente. Un e-mail sera envoyé si une place se libère.") % {"name": registration.name})
            return redirect(event)
    return render(request, "events/detail.html", _detail_context(request, event, form), status=400)


@login_required
@require_POST
def cancel(request, pk):
    registration = visible_or_404(visibility.registrations(request.user).select_related("event"), pk=pk)
    _visible_event(request, registration.event_id)
    if not services.can_cancel(request.user, registration):
        raise Http404
    try:
        services.cancel_registration(registration=registration, by=request.user)
        messages.success(request, _("Inscription annulée : %(name)s.") % {"name": registration.name})
    except DomainError as error:
        messages.error(request, error.message)
    return redirect(registration.event)


@login_required
def event_form(request, pk=None):
    event = _managed_event(request, pk) if pk else None
    if event is None and not can_create_events(request.user):
        raise PermissionDenied(_("Seuls l'équipe du FORIM et les réseaux validés créent des événements."))
    form = EventForm(request.POST or None, instance=event, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            values = {name: form.cleaned_data[name] for name in services.EVENT_FIELDS}
            event = services.save_event(event=event, by=request.user, **values)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Événement enregistré."))
            return redirect(event)
    return render(request, "events/form.html", {"form": form, "event": event},
                  status=400 if request.method == "POST" else 200)


EXPORT_COLUMNS = [
    (gettext_lazy("Nom"), "name"),
    (gettext_lazy("E-mail"), "email"),
    (gettext_lazy("Organisation"), lambda r: r.organisation.name if r.organisation else ""),
    (gettext_lazy("Région"), lambda r: r.organisation.get_region_display() if r.organisation else ""),
    (gettext_lazy("Statut"), lambda r: r.get_status_display()),
    (gettext_lazy("Inscrit le"), "created_at"),
    (gettext_lazy("Présent"), lambda r: _("oui") if r.checked_in_at else _("non")),
]


@login_required
def registrations(request, pk):
    event = _managed_event(request, pk)
    rows = selectors.participants(event)
    fmt = request.GET.get("format")
    if fmt:
        return export_response(rows, EXPORT_COLUMNS, filename=f"inscrits-evenement-{event.pk}", fmt=fmt, title=_("Inscrits"))
    return render(request, "events/registrations.html", {"event": event, "registrations": rows})


@login_required
def checkin(request, pk):
    """On the day, from a phone: search a name, tick present."""
    event = _managed_event(request, pk)
    search = request.GET.get("q", "").strip()
    rows = selectors.participants(event, search=search).filter(status=RegistrationStatus.CONFIRMED)
    figures = selectors.with_counts(Event.objects.filter(pk=event.pk)).get()
    context = {"event": event, "registrations": rows, "q": search, "figures": figures}
    if request.htmx:
        return render(request, "events/checkin_list.html", context)
    return render(request, "events/checkin.html", context)


@login_required
@require_POST
def checkin_toggle(request, pk, registration_pk):
    event = _managed_event(request, pk)
    registration = get_object_or_404(event.registrations.select_related("organisation"), pk=registration_pk)
    try:
        services.check_in(registration=registration, by=request.user, present=request.POST.get("present") == "1")
    except DomainError as error:
        if not request.htmx:
            messages.error(request, error.message)
        error_message, status = error.message, error.status
    else:
        error_message, status = "", 200
    if request.htmx:
        figures = selectors.with_counts(Event.objects.filter(pk=event.pk)).get()
        return render(request, "events/checkin_row.html", {"event": event, "r": registration, "error": error_message,
                                                           "figures": figures, "oob_count": True},
                      status=status)
    return redirect("events:checkin", pk=event.pk)


@login_required
def ceremony(request, pk):
    event = _visible_event(request, pk)
    if event.kind != EventKind.CEREMONY:
        raise Http404
    manage = has_perm(request.user, "events.manage_event", event)
    invitations = list(selectors.ceremony_invitations(event)) if manage else []
    return render(request, "events/ceremony.html", {
        "event": event, "figures": selectors.ceremony_figures(event), "invitations": invitations, "manage": manage,
        "laureate_count": services.laureates(event.call).count() if event.call_id else 0,
        "statuses": InvitationStatus.choices,
    })


@login_required
@require_POST
def ceremony_invite(request, pk):
    event = _managed_event(request, pk)
    try:
        created = services.invite_laureates(event=event, by=request.user)
        messages.success(request, ngettext("%(n)s lauréat invité par e-mail.", "%(n)s lauréats invités par e-mail.", created) % {"n": created})
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("events:ceremony", pk=event.pk)


@login_required
@require_POST
def ceremony_mark(request, pk, invitation_pk):
    event = _managed_event(request, pk)
    invitation = get_object_or_404(event.invitations.select_related("organisation", "event"), pk=invitation_pk)
    form = InvitationMarkForm(request.POST)
    error_message = ""
    if form.is_valid():
        try:
            services.mark_invitation(invitation=invitation, by=request.user, **form.cleaned_data)
        except DomainError as error:
            error_message = error.message
    else:
        error_message = _("Choisissez une présence.")
    if request.htmx:
        # a refused row comes back as 400 with its message and the typed values (base.html lets htmx swap 4xx)
        typed = {"status": request.POST.get("status", invitation.status), "represented_by": request.POST.get("represented_by", "")}
        return render(request, "events/ceremony_row.html", {
            "event": event, "i": invitation, "typed": typed if error_message else None, "error": error_message,
            "figures": selectors.ceremony_figures(event),
            "oob_figures": True, "statuses": InvitationStatus.choices,
        }, status=400 if error_message else 200)
    if error_message:
        messages.error(request, error_message)
    return redirect("events:ceremony", pk=event.pk)


@login_required
def attendance(request):
    """Attendance figures per event, per organisation and per region, for the events this user runs."""
    events = selectors.managed_events(request.user)
    # Whoever the agenda offers "Fréquentation" (an organiser, even before a first event) gets the page, empty.
    if not (visibility.is_staff(request.user) or can_create_events(request.user) or events.exists()):
        raise PermissionDenied(_("Cette page est réservée aux organisateurs d'événements."))
    return render(request, "events/attendance.html", {
        "by_event": selectors.attendance_by_event(events),
        "by_organisation": selectors.attendance_by_organisation(events),
        "by_region": selectors.attendance_by_region(events),
    })
