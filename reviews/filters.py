"""The staff dossier table's filters: one FilterSet for the page, its exports and the API."""


import django_filters
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from forim_portal.filters import LightFilterSet
from forim_portal.options import CachedOptions
from forim_portal.widgets import QuickNumberInput, QuickSelect, QuickSelectMultiple
from grants.models import Call
from grants.states import State
from members.choices import Region, Sector
from members.models import NetworkLink, Organisation, OrganisationKind

SORTS = {
    "reference": ("reference",),
    "-reference": ("-reference",),
    "organisation": ("organisation__name",),
    "amount": ("amount_requested",),
    "-amount": ("-amount_requested",),
    "score": (F("score").asc(nulls_last=True),),
    "-score": (F("score").desc(nulls_last=True),),
    "submitted": ("submitted_at",),
    "-submitted": ("-submitted_at",),
}
SORT_CHOICES = [
    ("-submitted", _("Dépôt le plus récent")),
    ("submitted", _("Dépôt le plus ancien")),
    ("-score", _("Meilleure note")),
    ("score", _("Note la plus basse")),
    ("-amount", _("Montant décroissant")),
    ("amount", _("Montant croissant")),
    ("reference", _("Référence")),
    ("organisation", _("Association")),
]


# The model selects read only what their option shows (the value and `__str__`), not the whole rows, and only
# when their written options are not in the cache (forim_portal.options: kept until a call or an organisation changes).
def _of_kind(kind):
    def queryset(request):
        return Organisation.objects.filter(kind=kind).only("name", "acronym").order_by("name")

    return queryset


def _calls(request):
    return Call.objects.only("title").order_by("-year", "title")


class ApplicationFilter(LightFilterSet):
    q = django_filters.CharFilter(label=_("Recherche"), method="filter_search")
    # Quick selects: the 250 countries rendered through Django's widget templates cost ~40 ms a page (issue 15).
    call = django_filters.ModelChoiceFilter(label=_("Appel"), empty_label=_("Tous"), queryset=_calls, widget=CachedOptions(cache_as="calls"))
    # distinct=False: the status is the dossier's own column, no join can repeat a row; django-filter's default
    # SELECT DISTINCT over every selected column made PostgreSQL read and sort all the joined rows (issue 15).
    status = django_filters.MultipleChoiceFilter(label=_("Statut"), choices=[c for c in State.choices if c[0] != State.DRAFT], distinct=False, widget=QuickSelectMultiple(cache_as="reviews.status"))
    country = django_filters.ChoiceFilter(label=_("Pays"), empty_label=_("Tous"), choices=lambda: list(countries), widget=QuickSelect(cache_as="reviews.country"))
    sector = django_filters.ChoiceFilter(label=_("Secteur"), empty_label=_("Tous"), choices=Sector.choices, widget=QuickSelect(cache_as="reviews.sector"))
    region = django_filters.ChoiceFilter(label=_("Région"), empty_label=_("Tous"), choices=Region.choices, field_name="organisation__region", widget=QuickSelect(cache_as="reviews.region"))
    federation = django_filters.ModelChoiceFilter(label=_("Fédération (FOSIM)"), empty_label=_("Tous"), queryset=_of_kind(OrganisationKind.FOSIM), method="filter_network", widget=CachedOptions(cache_as="federations"))
    collective = django_filters.ModelChoiceFilter(label=_("Collectif (COSIM)"), empty_label=_("Tous"), queryset=_of_kind(OrganisationKind.COSIM), method="filter_network", widget=CachedOptions(cache_as="collectives"))
    operator = django_filters.ModelChoiceFilter(label=_("Opérateur d'appui"), empty_label=_("Tous"), queryset=_of_kind(OrganisationKind.OPERATOR), method="filter_operator", widget=CachedOptions(cache_as="operators"))
    amount_min = django_filters.NumberFilter(label=_("Montant demandé min. (€)"), field_name="amount_requested", lookup_expr="gte", widget=QuickNumberInput)
    amount_max = django_filters.NumberFilter(label=_("Montant demandé max. (€)"), field_name="amount_requested", lookup_expr="lte", widget=QuickNumberInput)
    score_min = django_filters.NumberFilter(label=_("Note min. (/20)"), field_name="score", lookup_expr="gte", widget=QuickNumberInput)
    score_max = django_filters.NumberFilter(label=_("Note max. (/20)"), field_name="score", lookup_expr="lte", widget=QuickNumberInput)
    sort = django_filters.ChoiceFilter(label=_("Trier par"), choices=SORT_CHOICES, method="filter_sort", empty_label=None, widget=QuickSelect(cache_as="reviews.sort"))

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(reference__icontains=value) | Q(title__icontains=value) | Q(organisation__name__icontains=value)
            | Q(organisation__acronym__icontains=value) | Q(locality__icontains=value)
        )

    def filter_network(self, queryset, name, value: int):
        running = Q(until__isnull=True) | Q(until__gte=timezone.localdate())
        return queryset.filter(organisation_id__in=NetworkLink.objects.filter(running, network=value).values("member_id"))

    def filter_operator(self, queryset, name, value):
        return queryset.filter(Q(operator=value) | Q(operator__isnull=True, organisation__operator=value))

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*SORTS.get(value, SORTS["-submitted"]), "-pk")

    @property
    def qs(self):
        queryset = super().qs
        if not self.form.cleaned_data.get("sort"):
            queryset = self.filter_sort(queryset, "sort", "-submitted")
        return queryset
