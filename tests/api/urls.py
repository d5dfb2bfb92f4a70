"""The real URLs plus one small viewset built only from the shared API pieces, to test them alone."""

import django_filters
from django.db import IntegrityError
from django.urls import include, path
from rest_framework import viewsets
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from forim_portal.api import StrictInputMixin, StrictModelSerializer
from forim_portal.errors import Conflict, DomainError
from forim_portal.urls import urlpatterns as portal_urlpatterns
from grants.models import Programme


class ProgrammeSerializer(StrictModelSerializer):
    class Meta:
        model = Programme
        fields = ["id", "code", "name", "description", "is_active"]
        read_only_fields = ["id"]


class ProgrammeFilter(django_filters.FilterSet):
    id_range = django_filters.RangeFilter(field_name="id")

    class Meta:
        model = Programme
        fields = ["id", "is_active", "code"]


class ProgrammeViewSet(StrictInputMixin, viewsets.ModelViewSet):
    queryset = Programme.objects.order_by("code")
    serializer_class = ProgrammeSerializer
    filterset_class = ProgrammeFilter
    ordering_fields = ["code", "name"]
    search_fields = ["name"]


ERRORS = {
    "domain": lambda: DomainError("Le dossier est déjà déposé.", code="already_submitted", field="status"),
    "conflict": lambda: Conflict("Quelqu'un a modifié ce dossier avant vous."),
    "integrity": lambda: IntegrityError("UNIQUE constraint failed"),
    "overflow": lambda: OverflowError("Python int too large to convert to SQLite INTEGER"),
}


class RaiseView(APIView):
    """Raises the error named in the URL, as a view deep in an app might."""

    def get(self, request, kind):
        raise ERRORS[kind]()


router = SimpleRouter()
router.register("programmes", ProgrammeViewSet, basename="test-programme")

urlpatterns = [
    path("api/test/", include(router.urls)),
    path("api/test/raise/<str:kind>/", RaiseView.as_view()),
    *portal_urlpatterns,
]
