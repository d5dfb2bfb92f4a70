"""`/api/v1/statements/`: statements of intent, with the same services, rules and visibility as the pages."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django_countries.serializers import CountryFieldMixin
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from access.permissions import HasPermission
from access.rules import can_edit_for
from forim_portal.api import AmountField, NoBodySerializer, StrictFieldsMixin, StrictInputMixin
from grants.api import RuleResultSerializer
from grants.forms import MAX_AMOUNT
from members.models import Organisation
from members.rules import organisation_ids

from . import services
from .eligibility import check_statement
from .filters import StatementFilter
from .models import IntentStatus, StatementOfIntent
from .selectors import statements_queryset


class StatementSerializer(CountryFieldMixin, serializers.ModelSerializer):
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all(), required=False)
    estimated_total = AmountField(max_amount=MAX_AMOUNT, required=False)
    estimated_grant = AmountField(max_amount=MAX_AMOUNT, required=False)
    rules = serializers.SerializerMethodField()

    class Meta:
        model = StatementOfIntent
        fields = [
            "id",
            "call",
            "organisation",
            *services.STATEMENT_FIELDS,
            "status",
            "submitted_at",
            "decided_at",
            "decision_reason",
            "rules",
        ]
        read_only_fields = ["status", "submitted_at", "decided_at", "decision_reason"]
        validators = []  # one per association and call: intents.services.start_statement says so in French

    @extend_schema_field(RuleResultSerializer(many=True))
    def get_rules(self, statement):
        """The call's rules on a draft; left out of lists so they stay a constant number of queries."""
        view = self.context.get("view")
        if getattr(view, "action", None) == "list" or statement.status != IntentStatus.DRAFT:
            return []
        return RuleResultSerializer(check_statement(statement), many=True).data


class ReasonSerializer(StrictFieldsMixin, serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class StatementViewSet(
    StrictInputMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Statements the user may see. The association creates, changes (PATCH) and submits its own;
    FORIM staff pre-select or decline (a reason is required to decline)."""

    serializer_class = StatementSerializer
    filterset_class = StatementFilter
    http_method_names = ["get", "post", "patch", "head", "options"]
    permission_classes = [HasPermission]
    permission_map = {
        **dict.fromkeys(["partial_update", "submit", "withdraw"], "intents.change_statement"),
        **dict.fromkeys(["preselect", "decline"], "intents.decide_statement"),
    }
    queryset = StatementOfIntent.objects.none()  # for the schema; each request gets its own below

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return statements_queryset(self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        organisation = data.pop("organisation", None) or self._only_organisation(request.user)
        if organisation is None or not can_edit_for(request.user, organisation):
            raise serializers.ValidationError(
                {"organisation": [_("Indiquez une association pour laquelle vous agissez.")]}
            )
        call = data.pop("call")
        statement = services.start_statement(call=call, organisation=organisation, by=request.user)
        if data:
            services.save_statement(statement=statement, by=request.user, **data)
        return Response(self._fresh(statement), status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        statement = self.get_object()
        serializer = self.get_serializer(statement, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("call", None)
        data.pop("organisation", None)
        services.save_statement(statement=statement, by=request.user, **data)
        return Response(self._fresh(statement))

    @extend_schema(request=None, responses=StatementSerializer)
    @action(detail=True, methods=["post"], serializer_class=NoBodySerializer)
    def submit(self, request, pk=None):
        statement = services.submit_statement(statement=self.get_object(), by=request.user)
        return Response(self._fresh(statement))

    @extend_schema(request=ReasonSerializer, responses=StatementSerializer)
    @action(detail=True, methods=["post"], serializer_class=ReasonSerializer)
    def withdraw(self, request, pk=None):
        reason = self._reason(request)
        statement = services.withdraw_statement(statement=self.get_object(), by=request.user, comment=reason)
        return Response(self._fresh(statement))

    @extend_schema(request=ReasonSerializer, responses=StatementSerializer)
    @action(detail=True, methods=["post"], serializer_class=ReasonSerializer)
    def preselect(self, request, pk=None):
        return self._decide(request, "preselect")

    @extend_schema(request=ReasonSerializer, responses=StatementSerializer)
    @action(detail=True, methods=["post"], serializer_class=ReasonSerializer)
    def decline(self, request, pk=None):
        return self._decide(request, "decline")

    def _decide(self, request, decision):
        reason = self._reason(request)
        statement = services.decide_statement(
            statement=self.get_object(), by=request.user, decision=decision, reason=reason
        )
        return Response(self._fresh(statement))

    @staticmethod
    def _reason(request):
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data["reason"]

    def _fresh(self, statement):
        fresh = get_object_or_404(self.get_queryset(), pk=statement.pk)
        return StatementSerializer(fresh, context=self.get_serializer_context()).data

    @staticmethod
    def _only_organisation(user):
        ids = organisation_ids(user)
        return Organisation.objects.get(pk=ids.pop()) if len(ids) == 1 else None


def register(router):
    router.register("statements", StatementViewSet, basename="statement")
