"""Reads of the registry: what a user may list, what an association may do, its current documents."""


from django.db.models import Count, F, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from access import visibility
from access.visibility import active_link_q
from forim_portal.rows import choice_labels, pk_url

from .choices import Region
from .countries import country_name, names_by_code
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
    current_links = (
        NetworkLink.objects.filter(active_link_q())
        .select_related("network")
        .only("member_id", "network_id", "since", "until", "network__name", "network__acronym")
        .order_by("network__name")
    )
    return (
        visible_organisations(user)
        .select_related("operator")
        .prefetch_related(Prefetch("network_links", queryset=current_links, to_attr="current_links"))
        .order_by("name")
    )


# The columns a row of the directory page shows (the export and the API read every column).
DIRECTORY_PAGE_FIELDS = (
    "kind", "name", "acronym", "rna", "status", "region", "city", "diaspora_countries", "operator__name",
    "operator__acronym",
)
STATUS_BADGES = {
    OrganisationStatus.VALIDATED: "badge-success",
    OrganisationStatus.PENDING: "badge-warning",
    OrganisationStatus.REJECTED: "badge-danger",
}


def directory_page_rows(rows):
    """The directory's rows as its page reads them: the columns it shows only."""
    return rows.only(*DIRECTORY_PAGE_FIELDS)


def with_directory_texts(organisations):
    """The directory page's organisations (its rows, read with DIRECTORY_PAGE_FIELDS), each given the texts its row
    shows: labels, badge, countries, networks, operator and link, made for this page's rows only (issue 15)."""
    rows = list(organisations)
    kinds, statuses = choice_labels(OrganisationKind.choices), choice_labels(OrganisationStatus.choices)
    regions, countries = choice_labels(Region.choices), names_by_code()
    detail_url = pk_url("members:organisation_detail")
    for row in rows:
        row.detail_url = detail_url(row.pk)
        row.kind_label = kinds.get(row.kind, row.kind)
        row.status_label, row.status_badge = statuses.get(row.status, row.status), STATUS_BADGES.get(row.status, "")
        row.region_label = regions.get(row.region, row.region)
        row.countries_label = ", ".join(
            countries.get(country.code) or country_name(country.code) for country in row.diaspora_countries
        )
        row.networks_label = ", ".join(link.network.acronym or link.network.name for link in row.current_links)
        row.operator_label = (row.operator.acronym or row.operator.name) if row.operator_id else ""
    return rows


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
