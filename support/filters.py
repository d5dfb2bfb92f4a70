"""One FilterSet for the activity page, its exports and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from members.models import Organisation, OrganisationKind

from .models import SupportKind, SupportLog


class ActivityFilter(django_filters.FilterSet):
    operator = django_filters.ModelChoiceFilter(
        label=_("Opérateur"), queryset=Organisation.objects.filter(kind=OrganisationKind.OPERATOR).order_by("name"))
    association = django_filters.ModelChoiceFilter(
        label=_("Association"), queryset=Organisation.objects.exclude(
            kind__in=[OrganisationKind.OPERATOR, OrganisationKind.PARTNER, OrganisationKind.FORIM]).order_by("name"))
    kind = django_filters.ChoiceFilter(label=_("Type"), choices=SupportKind.choices)
    date_after = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("Du"),
                                           widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}))
    date_before = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("Au"),
                                            widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = SupportLog
        fields = ["operator", "association", "kind", "date_after", "date_before"]
