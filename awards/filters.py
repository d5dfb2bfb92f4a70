"""One FilterSet for the follow-up page, its export and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from forim_portal.filters import LightFilterSet
from forim_portal.options import CachedOptions
from forim_portal.widgets import QuickSelect
from grants.models import Application, Call
from grants.states import FUNDED_STATES, State


class FollowUpFilter(LightFilterSet):
    q = django_filters.CharFilter(label=_("Recherche"), method="search")
    call = django_filters.ModelChoiceFilter(label=_("Appel"), empty_label=_("Tous"), queryset=Call.objects.only("title"),
                                            widget=CachedOptions(cache_as="followup.calls"))
    status = django_filters.ChoiceFilter(label=_("Statut"), empty_label=_("Tous"),
                                         choices=[(s.value, s.label) for s in State if s in FUNDED_STATES],
                                         widget=QuickSelect(cache_as="followup.status"))

    class Meta:
        model = Application
        fields = ["q", "call", "status"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(organisation__name__icontains=value)
                               | Q(organisation__acronym__icontains=value) | Q(reference__icontains=value))
