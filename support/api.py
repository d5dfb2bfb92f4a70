"""`/api/v1/support/`: accompaniment agreements and logs, with the same visibility as the pages."""

from django.utils.translation import gettext as _
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from access import visibility
from access.permissions import has_perm
from forim_portal.api import StrictFieldsMixin

from . import services
from .filters import ActivityFilter
from .models import AccompanimentAgreement, SupportLog
from .rules import operator_ids
from .selectors import activity_logs


class SupportLogSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = SupportLog
        fields = ["id", "operator", "association", "date", "kind", "hours", "notes", "next_step", "next_step_on", "created_at"]
        read_only_fields = ["created_at"]
        extra_kwargs = {"operator": {"required": False}}


class AgreementSerializer(serializers.ModelSerializer):
    class Meta:
        model = AccompanimentAgreement
        fields = ["id", "operator", "association", "signed_on", "ends_on", "created_at"]
        read_only_fields = fields


def _resolve(request, data):
    """The association must be visible (else 404); the operator defaults to the user's only one."""
    association = data["association"]
    if not has_perm(request.user, "support.view_accompaniment", association):
        raise NotFound()
    operator = data.get("operator")
    if operator is None:
        mine = sorted(operator_ids(request.user, writers_only=True))
        if len(mine) != 1:
            raise serializers.ValidationError({"operator": [_("Vous agissez pour plusieurs opérateurs d'appui : indiquez lequel.")]})
        from members.models import Organisation

        operator = Organisation.objects.get(pk=mine[0])
    return operator, association


class SupportLogViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin,
                        viewsets.ReadOnlyModelViewSet):
    serializer_class = SupportLogSerializer
    queryset = SupportLog.objects.none()
    permission_classes = [permissions.IsAuthenticated]
    filterset_class = ActivityFilter

    def get_queryset(self):
        return activity_logs(self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        operator, association = _resolve(request, data)
        data.update(operator=operator, association=association)
        log = services.add_log(by=request.user, **data)
        return Response(SupportLogSerializer(log).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        """Correct a log through `services.update_log` (the operator's writers or staff); operator and association stay."""
        log = self.get_object()
        serializer = self.get_serializer(log, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        changes = {name: value for name, value in serializer.validated_data.items() if name in services.LOG_FIELDS}
        data = serializer.validated_data
        if data.get("operator", log.operator) != log.operator or data.get("association", log.association) != log.association:
            raise serializers.ValidationError({"association": [_("L'opérateur et l'association d'un suivi ne changent pas.")]})
        return Response(SupportLogSerializer(services.update_log(by=request.user, log=log, **changes)).data)

    def perform_destroy(self, instance):
        services.delete_log(by=self.request.user, log=instance)


class AgreementViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AgreementSerializer
    queryset = AccompanimentAgreement.objects.none()
    permission_classes = [permissions.IsAuthenticated]
    filterset_fields = ["operator", "association"]

    def get_queryset(self):
        return visibility.accompaniment_agreements(self.request.user).order_by("-signed_on", "pk")


def register(router):
    router.register("support/logs", SupportLogViewSet, basename="support-log")
    router.register("support/agreements", AgreementViewSet, basename="support-agreement")
