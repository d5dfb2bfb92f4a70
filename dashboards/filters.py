"""Filters of the dashboards (by call) and of the public laureates list."""

import django_filters
from django import forms
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from forim_portal.widgets import QuickSelect
from grants.models import Application, Call
from members.choices import Sector


class DashboardFilterForm(forms.Form):
    call = forms.ModelChoiceField(
        label=_("Appel à projets"), queryset=Call.objects.only("title").order_by("-year", "title"), required=False,
        empty_label=_("Tous les appels"), widget=QuickSelect,
    )


class LaureateCounts:
    """How many laureates each (year, country) has: the portal's and the imported history's, one grouped query
    each. The filter's years and countries are read from them, and so are the unfiltered page's map and totals."""

    def __init__(self):
        from history.selectors import public_past_projects

        from . import cache
        from .selectors import laureates

        def compute():
            return _by_year_and_country(laureates(), "call__year"), _by_year_and_country(public_past_projects(), "year")

        # a public page: counted once per change of the data (dashboards.cache), not on every visit
        self.portal, self.history = cache.figures(("laureate-counts",), compute)

    def years(self):
        return {year for year, _code in self.portal} | {year for year, _code in self.history}

    def countries(self):
        return {code for _year, code in self.portal} | {code for _year, code in self.history}

    @staticmethod
    def by_country(counts):
        """{country code: laureates} of one source."""
        found = {}
        for (_year, code), n in counts.items():
            found[code] = found.get(code, 0) + n
        return found


def _by_year_and_country(rows, year):
    return {(y, code): n for y, code, n in rows.order_by().values_list(year, "country").annotate(n=Count("id"))}


def laureate_years(counts):
    """Years of the portal's laureates and of the imported past projects (history app)."""
    return [(year, year) for year in sorted(counts.years(), reverse=True)]


def laureate_countries(counts):
    return sorted(((code, countries.name(code) or code) for code in counts.countries() if code), key=lambda item: item[1])


class LaureateFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Recherche (projet, association, localité)"), method="filter_search")
    # the years' and countries' choices are the laureates' own (`LaureateCounts`), set by __init__
    year = django_filters.ChoiceFilter(
        label=_("Année"), field_name="call__year", empty_label=_("Toutes les années"), widget=QuickSelect
    )
    country = django_filters.ChoiceFilter(label=_("Pays"), empty_label=_("Tous les pays"), widget=QuickSelect)
    sector = django_filters.ChoiceFilter(label=_("Secteur"), choices=Sector.choices, empty_label=_("Tous les secteurs"),
                                         widget=QuickSelect(cache_as="dashboards.sector"))

    class Meta:
        model = Application
        fields = ["q", "year", "country", "sector"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.counts = LaureateCounts()
        self.filters["year"].extra["choices"] = laureate_years(self.counts)
        self.filters["country"].extra["choices"] = laureate_countries(self.counts)

    def unfiltered_counts(self):
        """The laureates' counts when no criterion narrows the rows (the page's map and totals are theirs),
        else None."""
        if self.is_valid() and not any(self.form.cleaned_data.get(name) for name in self.filters):
            return self.counts
        return None

    def filter_search(self, queryset, name, value):
        value = value.strip()[:100]
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value) | Q(organisation__name__icontains=value)
            | Q(organisation__acronym__icontains=value) | Q(locality__icontains=value)
        )
