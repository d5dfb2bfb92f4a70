"""`/api/v1/calls/` and `/api/v1/applications/`: the same services, rules and permissions as the pages."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django_countries.serializers import CountryFieldMixin
from drf_spectacular.utils import extend_schema_field
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from access import visibility
from access.permissions import HasPermission, StaffWritesOnly
from forim_portal.api import AmountField, StrictInputMixin
from members.models import Organisation
from members.rules import can_edit_for, organisation_ids

from . import services
from .eligibility import check_application
from .forms import MAX_AMOUNT
from .models import Application, BudgetCategory, BudgetLine, Call, CorrectionRequest, Criterion
from .steps import FUNDING_FIELDS, PROJECT_FIELDS

QUANTITY_ERRORS = {
    "invalid": _("Saisissez une quantité en chiffres, par exemple 2 ou 1.5."),
    "min_value": _("La quantité ne peut pas être négative."),
    "max_digits": _("Cette quantité est trop élevée : vérifiez-la."),
}


def money(**extra):
    """An amount of the dossier, read by forim_portal.money.parse_amount (as on the pages)."""
    return AmountField(max_amount=MAX_AMOUNT, **extra)


class CriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Criterion
        fields = ["id", "label", "guidance", "weight", "scale_max", "position"]


class CallSerializer(CountryFieldMixin, serializers.ModelSerializer):
    criteria = CriterionSerializer(many=True, read_only=True)
    programme_code = serializers.CharField(source="programme.code", read_only=True)
    is_open = serializers.SerializerMethodField()

    class Meta:
        model = Call
        fields = [
            "id", "programme", "programme_code", "year", "title", "description", "opens_at", "deadline", "is_open", "envelope",
            "max_grant", "max_grant_share", "min_total_budget", "max_total_budget", "min_association_age_months",
            "max_duration_months", "eligible_countries", "excluded_countries", "sectors", "required_documents",
            "operator_visa_required", "tranche_split", "reviewers_per_application", "anonymous_review", "criteria",
        ]

    def get_is_open(self, call) -> bool:
        return call.is_open()


class CallViewSet(StrictInputMixin, viewsets.ModelViewSet):
    """Calls and their rules. Everyone signed in reads; FORIM staff write."""

    serializer_class = CallSerializer
    permission_classes = [permissions.IsAuthenticated, StaffWritesOnly]
    queryset = Call.objects.select_related("programme").prefetch_related("criteria").order_by("-year", "id")
    filterset_fields = ["programme", "year"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    # Writes go through the service: the same rules (split, budgets, dates, money) and French messages as the page.
    def perform_create(self, serializer):
        serializer.instance = services.save_call(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.save_call(by=self.request.user, call=serializer.instance, **serializer.validated_data)


class BudgetLineSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(required=False)
    category = serializers.ChoiceField(choices=BudgetCategory.choices, error_messages={"invalid_choice": _("Catégorie inconnue : « {input} ».")})
    label = serializers.CharField(max_length=255)
    quantity = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0, default=1, error_messages=QUANTITY_ERRORS)
    unit_cost = money()

    class Meta:
        model = BudgetLine
        fields = ["id", "category", "label", "quantity", "unit_cost", "amount"]
        read_only_fields = ["amount"]


class RuleResultSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    ok = serializers.BooleanField()
    message = serializers.CharField()
    field = serializers.CharField()


class CorrectionRequestSerializer(serializers.ModelSerializer):
    class Meta:
        model = CorrectionRequest
        fields = ["id", "sections", "message", "due_on", "created_at", "resolved_at"]
        read_only_fields = fields


class ApplicationSerializer(CountryFieldMixin, serializers.ModelSerializer):
    budget_lines = BudgetLineSerializer(many=True, required=False)
    corrections = CorrectionRequestSerializer(source="correction_requests", many=True, read_only=True)
    rules = serializers.SerializerMethodField()
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all(), required=False)
    lock_version = serializers.IntegerField(required=False)
    amount_requested = money(required=False)
    own_funds = money(required=False)
    in_kind = money(required=False)
    local_partner_funds = money(required=False)
    other_funders = money(required=False)

    class Meta:
        model = Application
        fields = [
            "id", "call", "organisation", "status", "reference", *PROJECT_FIELDS, *FUNDING_FIELDS, "operator",
            "budget_lines", "lock_version", "submitted_at", "updated_at", "rules", "corrections",
        ]
        read_only_fields = ["status", "reference", "submitted_at", "updated_at"]

    @extend_schema_field(RuleResultSerializer(many=True))
    def get_rules(self, application):
        """The call's rules on this draft; left out of lists so they stay a constant number of queries."""
        view = self.context.get("view")
        if getattr(view, "action", None) == "list" or application.status not in ("draft", "corrections_requested"):
            return []
        return RuleResultSerializer(check_application(application), many=True).data


class ApplicationViewSet(StrictInputMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Dossiers the user may see. Create a draft, update it (with `lock_version`), then `submit`."""

    serializer_class = ApplicationSerializer
    filterset_fields = ["call", "status"]
    # A draft is changed field by field under its lock_version (PATCH); a whole-object PUT has no use here.
    http_method_names = ["get", "post", "patch", "head", "options"]
    # Found in the private dossiers (else 404), then asked of the registered rules (else 403).
    permission_classes = [HasPermission]
    permission_map = dict.fromkeys(["update", "partial_update", "submit"], "grants.change_application")

    def get_queryset(self):
        lines = Prefetch("budget_lines", queryset=BudgetLine.objects.order_by("position", "id"))
        return (
            visibility.applications(self.request.user)
            .select_related("call", "organisation", "operator")
            .prefetch_related(lines, "documents", "visas", "correction_requests")
            .order_by("-created_at", "-id")
        )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        organisation = data.pop("organisation", None) or self._only_organisation(request.user)
        if organisation is None or not can_edit_for(request.user, organisation):
            raise serializers.ValidationError({"organisation": [_("Indiquez une association pour laquelle vous agissez.")]})
        application = services.start_application(call=data.pop("call"), organisation=organisation, by=request.user)
        self._save(application, data, lock_version=application.lock_version)
        return Response(self.get_serializer(self._fresh(application)).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        application = self.get_object()
        serializer = self.get_serializer(application, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "lock_version" not in data:
            raise serializers.ValidationError({"lock_version": [_("Envoyez la lock_version lue avec le dossier, pour ne pas écraser la saisie d'un autre.")]})
        data.pop("call", None)
        data.pop("organisation", None)
        self._save(application, data, lock_version=data.pop("lock_version"))
        return Response(self.get_serializer(self._fresh(application)).data)

    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        application = self.get_object()
        services.submit_application(application=application, by=request.user)
        return Response(self.get_serializer(self._fresh(application)).data)

    def _save(self, application, data, *, lock_version):
        data.pop("lock_version", None)
        lines = data.pop("budget_lines", None)
        values_by_step = {}
        for name, value in data.items():
            step = "project" if name in PROJECT_FIELDS else "budget" if name in FUNDING_FIELDS else "operator" if name == "operator" else None
            if step:
                values_by_step.setdefault(step, {})[name] = value
        if lines is not None:
            kept_ids = {line.get("id") for line in lines if line.get("id")}
            rows = [{**line, "index": index} for index, line in enumerate(lines)]
            rows += [{"id": pk, "delete": True} for pk in application.budget_lines.exclude(pk__in=kept_ids).values_list("pk", flat=True)]
            lines = rows
        # even with nothing to change, the service checks the lock_version sent (409 when stale)
        services.update_draft(application=application, by=self.request.user, values_by_step=values_by_step, lock_version=lock_version, lines=lines)

    def _fresh(self, application):
        return get_object_or_404(self.get_queryset(), pk=application.pk)

    @staticmethod
    def _only_organisation(user):
        ids = organisation_ids(user)
        return Organisation.objects.get(pk=ids.pop()) if len(ids) == 1 else None


def register(router):
    router.register("calls", CallViewSet, basename="call")
    router.register("applications", ApplicationViewSet, basename="application")
