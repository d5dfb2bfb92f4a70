"""The committee session's minutes (procès-verbal), generated as a PDF document job."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from access import visibility
from documents.pdf import render_pdf
from documents.registry import DocumentKind


def render_minutes(session, progress, variant=""):
    from .selectors import agenda
    from .services import envelope_summary

    decisions = list(session.decisions.select_related("application__organisation", "decided_by").order_by("decided_at", "id"))
    progress(0, 1)
    pending = [application for application in agenda(session) if not application.session_decisions]
    context = {
        "session": session,
        "call": session.call,
        "decisions": decisions,
        "pending": pending,
        "awarded_total": sum((d.amount for d in decisions if d.amount), 0),
        "envelope": envelope_summary(session.call),
        "generated_at": timezone.now(),
    }
    content = render_pdf("reviews/minutes_pdf.html", context)
    progress(1, 1)
    return f"pv-cep-{session.date:%Y-%m-%d}-{session.pk}.pdf", content


MINUTES = DocumentKind(
    code="minutes",
    label=_("Procès-verbal du comité"),
    model="reviews.CommitteeSession",
    render=render_minutes,
    readable=visibility.committee_sessions,
)
