"""One FilterSet for the staff list of a call's statements and the API list."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from members.choices import Sector

from .models import IntentStatus, StatementOfIntent


class StatementFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Statut"), choices=IntentStatus.choices)
    country = django_filters.ChoiceFilter(label=_("Pays"), choices=lambda: list(countries))
    sector = django_filters.ChoiceFilter(label=_("Secteur"), choices=Sector.choices)
    q = django_filters.CharFilter(label=_("Recherche (projet, association)"), method="search")

    class Meta:
        model = StatementOfIntent
        fields = ["call", "status", "country", "sector", "q"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value)
            | Q(organisation__name__icontains=value)
            | Q(organisation__acronym__icontains=value)
        )


class CallStatementFilter(StatementFilter):
    """The staff page of one call: the same filters, the call being the page's."""

    class Meta(StatementFilter.Meta):
        fields = ["status", "country", "sector", "q"]
