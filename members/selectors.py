"""Reads of the registry: what a user may list, what an association may do, its current documents."""

from django.db.models import Count, F, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from access import visibility
from access.visibility import active_link_q

from .models import (
    NetworkLink,
    Organisation,
    OrganisationDocument,
    OrganisationKind,
    OrganisationStatus,
)


def visible_organisations(user, queryset=None):
    """The organisations a user may list or open (directory and profile): access.visibility.organisations."""
    return visibility.organisations(user, queryset=queryset)


def directory_queryset(user):
    """The one queryset the directory page, its exports and the API share: rows with what they show."""
    current_links = NetworkLink.objects.filter(active_link_q()).select_related("network").order_by("network__name")
    return (
        visible_organisations(user)
        .select_related("operator")
        .prefetch_related(Prefetch("network_links", queryset=current_links, to_attr="current_links"))
        .order_by("name")
    )


def with_member_counts(queryset):
    """The export's member count: counted for the exported rows, never for a page's (which does not show it)."""
    return queryset.annotate(member_count=Count("memberships", distinct=True))


def visible_actions(user, queryset=None):
    """Actions in France: those of the organisations the user may see (access.visibility.france_actions)."""
    return visibility.france_actions(user, queryset)


def actions_queryset(user):
    return visible_actions(user).select_related("organisation").order_by("-year", "organisation__name", "title")


def can_apply(organisation):
    """May this organisation file an application? Returns (allowed, reason in French)."""
    if organisation is None:
        return False, _("Aucune association n'est sélectionnée.")
    if organisation.kind not in (OrganisationKind.OSIM, OrganisationKind.FOSIM, OrganisationKind.COSIM):
        return False, _("Seules les associations du réseau (OSIM, FOSIM, COSIM) peuvent déposer un dossier.")
    if organisation.status == OrganisationStatus.PENDING:
        return False, _(
            "L'inscription de votre association est en attente de validation par l'équipe du FORIM : "
            "vous pourrez déposer un dossier dès qu'elle sera validée."
        )
    if organisation.status == OrganisationStatus.REJECTED:
        return False, _("L'inscription de votre association a été refusée : contactez l'équipe du FORIM.")
    return True, ""


def current_documents(organisation):
    """The latest still-valid document of each type: what an application reuses instead of asking again."""
    today = timezone.localdate()
    documents = (
        OrganisationDocument.objects.filter(organisation=organisation)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .order_by("doc_type", F("year").desc(nulls_last=True), "-uploaded_at", "-pk")
    )
    current = {}
    for document in documents:
        current.setdefault(document.doc_type, document)
    return current


def pending_registrations(limit=None):
    queryset = Organisation.objects.filter(status=OrganisationStatus.PENDING).order_by("created_at")
    return queryset[:limit] if limit else queryset
