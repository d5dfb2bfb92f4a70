"""The sign-in sheet (feuille d'émargement) of an event, as a generated document."""

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy

from access import visibility
from documents.pdf import render_pdf
from documents.registry import DocumentKind, register

from .models import RegistrationStatus


def render_sign_in_sheet(event, progress, variant=""):
    progress(0, 1)
    participants = list(event.registrations.filter(status=RegistrationStatus.CONFIRMED)
                        .select_related("organisation").order_by("name", "pk"))
    content = render_pdf("events/pdf/sign_in_sheet.html", {
        "event": event, "participants": participants, "blank_rows": range(max(5, len(participants) // 10)),
        "printed_at": timezone.localtime(),
    })
    progress(1, 1)
    return f"emargement-{slugify(event.title)[:60]}-{timezone.localdate(event.starts_at).isoformat()}.pdf", content


def register_kinds():
    register(DocumentKind(
        code="sign_in_sheet", label=gettext_lazy("Feuille d'émargement"), model="events.Event",
        render=render_sign_in_sheet, readable=visibility.managed_events,
    ))
