"""`/api/v1/organisations/` and `/api/v1/france-actions/`: the directory's rows and filters, the pages' permissions."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.settings import api_settings

from forim_portal.api import COMMON_QUERY_PARAMS

from . import tally
from .countries import country_names
from .filters import FranceActionFilter, OrganisationFilter
from .models import FranceAction, Organisation
from .selectors import actions_queryset, directory_queryset


class NetworkLinkSerializer(serializers.Serializer):
    network = serializers.IntegerField(source="network_id")
    name = serializers.CharField(source="network.name")
    acronym = serializers.CharField(source="network.acronym")
    since = serializers.DateField()
    until = serializers.DateField(allow_null=True)


@extend_schema_field(
    {"type": "array", "items": {"type": "object", "properties": {"code": {"type": "string"}, "name": {"type": "string"}}}}
)
class CountriesField(serializers.Field):
    """ISO codes with their French names."""

    def to_representation(self, value):
        codes = [country.code for country in value]
        return [{"code": code, "name": name} for code, name in zip(codes, country_names(codes), strict=True)]


class OrganisationSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    status_label = serializers.CharField(source="get_status_display")
    region_label = serializers.CharField(source="get_region_display")
    diaspora_countries = CountriesField()
    intervention_countries = CountriesField()
    networks = NetworkLinkSerializer(source="current_links", many=True)
    operator_name = serializers.CharField(source="operator.name", default=None, allow_null=True)

    class Meta:
        model = Organisation
        fields = [
            "id", "kind", "kind_label", "name", "acronym", "rna", "siret", "status", "status_label", "created_on",
            "published_on", "address", "postcode", "city", "department", "region", "region_label", "website", "email",
            "phone", "diaspora_countries", "intervention_countries", "sectors", "board_migrant_share", "operator",
            "operator_name", "networks", "label_since", "label_until", "covered_regions", "cofinancing_offer",
            "cofinancing_rate",
        ]


class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    """Organisations the caller may see (staff: all; others: their own, accompanied or coordinated ones)."""

    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter
    search_fields = None
    ordering_fields = ["name", "created_on", "region"]

    def get_queryset(self):
        return directory_queryset(self.request.user)

    def known_count(self, request):
        """The directory's total from `members.tally` when nothing filters the list (staff)."""
        return tally.directory_count(request.user, request.query_params, ignored=COMMON_QUERY_PARAMS - {api_settings.SEARCH_PARAM})


class FranceActionSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name")
    domain_label = serializers.CharField(source="get_domain_display")

    class Meta:
        model = FranceAction
        fields = [
            "id", "organisation", "organisation_name", "title", "domain", "domain_label", "year", "objectives",
            "results", "audience", "city", "region", "in_qpv", "neighbourhood",
        ]


class FranceActionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = FranceActionSerializer
    filterset_class = FranceActionFilter
    ordering_fields = ["year", "title"]

    def get_queryset(self):
        return actions_queryset(self.request.user)


def register(router):
    router.register("organisations", OrganisationViewSet, basename="organisation")
    router.register("france-actions", FranceActionViewSet, basename="france-action")
