"""Reads on statements of intent: an association's own, a call's for staff, the dossier that followed."""

from django.db.models import Count

from access import visibility
from grants.models import Application
from grants.states import State

from .models import IntentStatus, StatementOfIntent


def statements_of(*, organisation):
    """The association's statements, newest call first, with what its home shows."""
    if organisation is None:
        return StatementOfIntent.objects.none()
    return (
        StatementOfIntent.objects.filter(organisation=organisation)
        .select_related("call__programme")
        .order_by("-call__opens_at", "-id")
    )


def statements_queryset(user):
    """The one queryset the staff list, its filters and the API share."""
    return (
        visibility.statements(user)
        .select_related("call__programme", "organisation", "decided_by")
        .order_by("call_id", "organisation__name", "id")
    )


def dossier_of(statement):
    """The full dossier the association started on the call after its pre-selection (None before)."""
    if statement.status != IntentStatus.PRESELECTED:
        return None
    return (
        Application.objects.filter(call_id=statement.call_id, organisation_id=statement.organisation_id)
        .exclude(status=State.WITHDRAWN)
        .order_by("-created_at")
        .first()
    )


def counts_by_status(queryset):
    """(label, code, how many) for every state, counted by the database."""
    counts = dict(queryset.order_by().values_list("status").annotate(n=Count("id")))
    return [(IntentStatus(code).label, code, counts.get(code, 0)) for code in IntentStatus.values]
