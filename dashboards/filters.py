"""Filters of the dashboards (by call) and of the public laureates list."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from grants.models import Application, Call
from members.choices import Sector


class DashboardFilterForm(forms.Form):
    call = forms.ModelChoiceField(
        label=_("Appel à projets"), queryset=Call.objects.order_by("-year", "title"), required=False,
        empty_label=_("Tous les appels"),
    )


def laureate_years(request=None):
    """Years of the portal's laureates and of the imported past projects (history app)."""
    from history.selectors import public_years

    from .selectors import laureates

    years = set(laureates().order_by().values_list("call__year", flat=True).distinct()) | public_years()
    return [(year, year) for year in sorted(years, reverse=True)]


def laureate_countries(request=None):
    from history.selectors import public_countries

    from .selectors import laureates

    codes = set(laureates().order_by().values_list("country", flat=True).distinct()) | public_countries()
    return sorted(((code, countries.name(code) or code) for code in codes if code), key=lambda item: item[1])


class LaureateFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Recherche (projet, association, localité)"), method="filter_search")
    year = django_filters.ChoiceFilter(
        label=_("Année"), field_name="call__year", choices=laureate_years, empty_label=_("Toutes les années")
    )
    country = django_filters.ChoiceFilter(label=_("Pays"), choices=laureate_countries, empty_label=_("Tous les pays"))
    sector = django_filters.ChoiceFilter(label=_("Secteur"), choices=Sector.choices, empty_label=_("Tous les secteurs"))

    class Meta:
        model = Application
        fields = ["q", "year", "country", "sector"]

    def filter_search(self, queryset, name, value):
        value = value.strip()[:100]
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value) | Q(organisation__name__icontains=value)
            | Q(organisation__acronym__icontains=value) | Q(locality__icontains=value)
        )
