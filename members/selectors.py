"""Reads of the registry: what a user may list, what an association may do, its current documents."""

from django.db.models import Count, F, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    FranceAction,
    NetworkLink,
    Organisation,
    OrganisationDocument,
    OrganisationKind,
    OrganisationStatus,
)
from .rules import active_link_q, coordinated_network_ids, organisation_ids


def visible_organisations(user, queryset=None):
    """The organisations a user may list or open: the set `can_view_organisation` allows, as a queryset."""
    queryset = Organisation.objects.all() if queryset is None else queryset
    if not user or not user.is_authenticated:
        return queryset.none()
    if user.is_forim_staff:
        return queryset
    condition = Q(pk__in=organisation_ids(user))
    operators = organisation_ids(user, kinds=[OrganisationKind.OPERATOR])
    if operators:
        condition |= Q(operator_id__in=operators)
    networks = coordinated_network_ids(user)
    if networks:
        members = NetworkLink.objects.filter(active_link_q(), network_id__in=networks).values("member_id")
        condition |= Q(pk__in=members)
    return queryset.filter(condition)


def directory_queryset(user):
    """The one queryset the directory page, its exports and the API share: rows with what they show."""
    current_links = NetworkLink.objects.filter(active_link_q()).select_related("network").order_by("network__name")
    return (
        visible_organisations(user)
        .select_related("operator")
        .prefetch_related(Prefetch("network_links", queryset=current_links, to_attr="current_links"))
        .annotate(member_count=Count("memberships", distinct=True))
        .order_by("name")
    )


def visible_actions(user, queryset=None):
    """Actions in France: staff see all, others those of the organisations they may see."""
    queryset = FranceAction.objects.all() if queryset is None else queryset
    if not user or not user.is_authenticated:
        return queryset.none()
    if user.is_forim_staff:
        return queryset
    return queryset.filter(organisation__in=visible_organisations(user).values("pk"))


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
