"""The real URLs plus one small viewset built only from the shared API pieces, to test them alone."""

from django.urls import include, path
from rest_framework import viewsets
from rest_framework.routers import SimpleRouter

from forim_portal.api import StrictInputMixin, StrictModelSerializer
from forim_portal.urls import urlpatterns as portal_urlpatterns
from grants.models import Programme


class ProgrammeSerializer(StrictModelSerializer):
    class Meta:
        model = Programme
        fields = ["id", "code", "name", "description", "is_active"]
        read_only_fields = ["id"]


class ProgrammeViewSet(StrictInputMixin, viewsets.ModelViewSet):
    queryset = Programme.objects.order_by("code")
    serializer_class = ProgrammeSerializer
    filterset_fields = ["id", "is_active", "code"]
    ordering_fields = ["code", "name"]
    search_fields = ["name"]


router = SimpleRouter()
router.register("programmes", ProgrammeViewSet, basename="test-programme")

urlpatterns = [path("api/test/", include(router.urls)), *portal_urlpatterns]
