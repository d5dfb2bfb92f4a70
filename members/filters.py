"""One FilterSet per list, shared by the page, its exports and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from forim_portal.filters import LightFilterSet
from forim_portal.options import CachedOptions
from forim_portal.widgets import QuickSelect

from .choices import Region
from .countries import country_choices
from .country_index import naming
from .models import ActionDomain, FranceAction, NetworkLink, Organisation, OrganisationKind, OrganisationStatus
from .rules import active_link_q
from .selectors import visible_organisations

ALL = _("Tous")


def _of_kind(kind):
    def queryset(request):  # what the choice's label (`Organisation.__str__`) reads
        return Organisation.objects.filter(kind=kind).only("name", "acronym").order_by("name")

    return queryset


class OrganisationFilter(LightFilterSet):
    """The directory's filters; the network and operator selects' options come from the cache (forim_portal.options)
    when the page reads them with `read_for_form`."""

    q = django_filters.CharFilter(label=_("Recherche"), method="filter_search")
    # Quick selects: the 250 countries rendered through Django's widget templates cost ~40 ms a page (issue 15).
    kind = django_filters.ChoiceFilter(empty_label=ALL, label=_("Type"), choices=OrganisationKind.choices,
                                       widget=QuickSelect(cache_as="members.kind"))
    status = django_filters.ChoiceFilter(empty_label=ALL, label=_("Statut"), choices=OrganisationStatus.choices,
                                         widget=QuickSelect(cache_as="members.status"))
    region = django_filters.ChoiceFilter(empty_label=ALL, label=_("Région"), choices=Region.choices,
                                         widget=QuickSelect(cache_as="members.region"))
    country = django_filters.ChoiceFilter(empty_label=ALL,
        label=_("Pays (diaspora ou intervention)"), choices=country_choices, method="filter_country",
        widget=QuickSelect(cache_as="members.country"),
    )
    federation = django_filters.ModelChoiceFilter(empty_label=ALL,
        label=_("Fédération (FOSIM)"), queryset=_of_kind(OrganisationKind.FOSIM), method="filter_network",
        widget=CachedOptions(cache_as="members.federations"),
    )
    collective = django_filters.ModelChoiceFilter(empty_label=ALL,
        label=_("Collectif (COSIM)"), queryset=_of_kind(OrganisationKind.COSIM), method="filter_network",
        widget=CachedOptions(cache_as="members.collectives"),
    )
    operator = django_filters.ModelChoiceFilter(empty_label=ALL,
        label=_("Opérateur d'appui"), queryset=_of_kind(OrganisationKind.OPERATOR),
        widget=CachedOptions(cache_as="members.operators"),
    )

    class Meta:
        model = Organisation
        fields = ["q", "kind", "status", "region", "country", "federation", "collective", "operator"]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(acronym__icontains=value) | Q(rna__iexact=value) | Q(city__icontains=value)
        )

    def filter_country(self, queryset, name, value: str):
        # Diaspora or intervention: one row per country named (members.country_index), read through its index.
        return naming(queryset, value)

    def filter_network(self, queryset, name, value: int):  # receives the organisation; the hint documents the id in the API
        members = NetworkLink.objects.filter(active_link_q(), network=value).values("member_id")
        return queryset.filter(pk__in=members)


class FranceActionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Recherche"), method="filter_search")
    domain = django_filters.ChoiceFilter(empty_label=ALL, label=_("Domaine"), choices=ActionDomain.choices)
    region = django_filters.ChoiceFilter(empty_label=ALL, label=_("Région"), choices=Region.choices)
    in_qpv = django_filters.ChoiceFilter(empty_label=ALL,
        label=_("Quartier prioritaire (QPV)"), choices=[("oui", _("En QPV")), ("non", _("Hors QPV"))], method="filter_qpv"
    )
    year = django_filters.NumberFilter(label=_("Année"))
    organisation = django_filters.ModelChoiceFilter(empty_label=ALL,
        label=_("Organisation"),
        queryset=lambda request: visible_organisations(getattr(request, "user", None))
        .filter(france_actions__isnull=False).distinct().order_by("name"),
    )

    class Meta:
        model = FranceAction
        fields = ["q", "domain", "region", "in_qpv", "year", "organisation"]

    def filter_qpv(self, queryset, name, value):
        return queryset.filter(in_qpv=value == "oui")

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value) | Q(city__icontains=value) | Q(organisation__name__icontains=value)
            | Q(organisation__acronym__icontains=value)
        )
