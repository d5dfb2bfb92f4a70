"""`/api/v1/` for the follow-up: schedule and payments, reports, cofinancing rules and top-ups.

Same rules as the pages: lists hold only what the user may see, anything else is a 404,
writes go through the services (DomainError -> JSON 4xx).
"""

from django.shortcuts import get_object_or_404
from django_countries.serializers import CountryFieldMixin
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from access import visibility
from access.permissions import HasPermission, check_staff
from forim_portal.api import NoBodySerializer, StrictFieldsMixin
from forim_portal.quick_read import PageFiguresMixin
from forim_portal.schema import AmountText, PositiveAmountText

from . import services
from .models import CofinancingRule, Payment, Report, TopUp, Tranche
from .selectors import with_paid


class TrancheSerializer(serializers.ModelSerializer):
    paid = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True, allow_null=True)  # null: nothing paid yet
    blocked_because = serializers.SerializerMethodField()

    class Meta:
        model = Tranche
        fields = ["id", "application", "number", "share", "amount", "paid", "requires_report", "blocked_because"]

    def get_blocked_because(self, tranche) -> str | None:
        return services.tranche_blocker(tranche)


class PaymentSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    # text or number, read by the service (forim_portal.money): "1 500,00", 1500.5; sub-cent is refused there
    amount = PositiveAmountText()

    class Meta:
        model = Payment
        fields = ["id", "tranche", "paid_on", "amount", "reference", "recorded_at"]
        read_only_fields = ["recorded_at"]
        extra_kwargs = {"tranche": {"queryset": Tranche.objects.all()}}


class ReportSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    actuals = serializers.DictField(child=serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0),
                                    write_only=True, required=False, help_text="{budget_line_id: amount}")
    spending = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = ["id", "application", "kind", "number", "due_on", "status", "narrative", "actuals", "spending",
                  "submitted_at", "reviewed_at", "review_comment", "has_cash_certificate", "has_in_kind_certificate"]
        read_only_fields = [f for f in fields if f not in {"narrative", "actuals"}]

    has_cash_certificate = serializers.SerializerMethodField()
    has_in_kind_certificate = serializers.SerializerMethodField()

    def get_spending(self, report) -> list[dict]:
        return [{"budget_line": s.budget_line_id, "actual": f"{s.actual:.2f}"} for s in report.spending.all()]

    def get_has_cash_certificate(self, report) -> bool:
        return bool(report.cash_certificate)

    def get_has_in_kind_certificate(self, report) -> bool:
        return bool(report.in_kind_certificate)


class ReviewSerializer(StrictFieldsMixin, serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class CofinancingRuleSerializer(CountryFieldMixin, StrictFieldsMixin, serializers.ModelSerializer):
    # Codes handed to the service as sent (awards.services.check_rule checks them); "" means every country.
    diaspora_country = serializers.CharField(required=False, allow_blank=True)
    project_country = serializers.CharField(required=False, allow_blank=True)

    class Meta:
        model = CofinancingRule
        fields = ["id", "partner", "programme", "name", "diaspora_country", "project_country", "rate", "cap", "is_active"]


class TopUpSerializer(serializers.ModelSerializer):
    partner = serializers.IntegerField(source="rule.partner_id", read_only=True)

    class Meta:
        model = TopUp
        fields = ["id", "rule", "partner", "application", "base", "computed_amount", "amount", "override_reason", "updated_at"]
        read_only_fields = fields


class OverrideSerializer(StrictFieldsMixin, serializers.Serializer):
    amount = AmountText()  # read by the service (forim_portal.money)
    reason = serializers.CharField()


class TrancheViewSet(PageFiguresMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = TrancheSerializer
    page_figures = staticmethod(with_paid)  # what was paid, summed for the page's tranches only
    permission_classes = [permissions.IsAuthenticated]
    filterset_fields = ["application"]

    queryset = Tranche.objects.none()  # for the schema; each request gets its own below

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return (visibility.tranches(self.request.user)
                .select_related("application", "requires_report")
                .order_by("application_id", "number"))


class PaymentViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = PaymentSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_fields = ["tranche", "tranche__application"]

    queryset = Payment.objects.none()  # for the schema; each request gets its own below

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return visibility.payments(self.request.user).order_by("paid_on", "id")

    def create(self, request, *args, **kwargs):
        check_staff(request.user)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        tranche = get_object_or_404(visibility.tranches(request.user), pk=data["tranche"].pk)
        payment = services.record_payment(tranche=tranche, paid_on=data["paid_on"], amount=data["amount"],
                                          reference=data["reference"], by=request.user)
        return Response(self.get_serializer(payment).data, status=status.HTTP_201_CREATED)


class ReportViewSet(mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ReportSerializer
    permission_classes = [HasPermission]
    permission_map = {"submit": "awards.hand_in_report", "approve": "access.staff", "request_changes": "access.staff"}
    filterset_fields = ["application", "status", "kind"]
    http_method_names = ["get", "patch", "post", "head", "options"]

    queryset = Report.objects.none()  # for the schema; each request gets its own below

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return (visibility.reports(self.request.user)
                .select_related("application").prefetch_related("spending").order_by("due_on", "id"))

    def partial_update(self, request, *args, **kwargs):
        report = self.get_object()
        serializer = self.get_serializer(report, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.save_report(report=report, by=request.user, narrative=serializer.validated_data.get("narrative"),
                             actuals=serializer.validated_data.get("actuals"))
        return Response(self.get_serializer(self.get_queryset().get(pk=report.pk)).data)

    @extend_schema(request=None, responses=ReportSerializer)
    @action(detail=True, methods=["post"], serializer_class=NoBodySerializer)
    def submit(self, request, pk=None):
        report = services.submit_report(report=self.get_object(), by=request.user)
        return Response(ReportSerializer(report, context=self.get_serializer_context()).data)

    def _review(self, request, approve):
        serializer = ReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = services.review_report(report=self.get_object(), by=request.user, approve=approve,
                                        comment=serializer.validated_data["comment"])
        return Response(ReportSerializer(report, context=self.get_serializer_context()).data)

    @extend_schema(request=ReviewSerializer, responses=ReportSerializer)
    @action(detail=True, methods=["post"], serializer_class=ReviewSerializer)
    def approve(self, request, pk=None):
        return self._review(request, True)

    @extend_schema(request=ReviewSerializer, responses=ReportSerializer)
    @action(detail=True, methods=["post"], url_path="request-changes", serializer_class=ReviewSerializer)
    def request_changes(self, request, pk=None):
        return self._review(request, False)


class CofinancingRuleViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = CofinancingRuleSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_fields = ["partner", "programme", "is_active"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    queryset = CofinancingRule.objects.none()  # for the schema; each request gets its own below

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return visibility.cofinancing_rules(self.request.user).select_related("partner").order_by("id")

    def create(self, request, *args, **kwargs):
        check_staff(request.user)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rule = services.save_rule(by=request.user, **serializer.validated_data)
        return Response(self.get_serializer(rule).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        rule = self.get_object()
        check_staff(request.user)
        serializer = self.get_serializer(rule, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        rule = services.save_rule(by=request.user, rule=rule, **serializer.validated_data)
        return Response(self.get_serializer(rule).data)


class TopUpViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TopUpSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_fields = ["application", "rule"]

    queryset = TopUp.objects.none()  # for the schema; each request gets its own below

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return visibility.top_ups(self.request.user).select_related("rule").order_by("application_id", "id")

    @extend_schema(request=OverrideSerializer, responses=TopUpSerializer)
    @action(detail=True, methods=["post"], serializer_class=OverrideSerializer)
    def override(self, request, pk=None):
        top_up = self.get_object()
        serializer = OverrideSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        top_up = services.override_top_up(top_up=top_up, by=request.user, **serializer.validated_data)
        return Response(TopUpSerializer(top_up).data)


def register(router):
    router.register("awards/tranches", TrancheViewSet, basename="award-tranche")
    router.register("awards/payments", PaymentViewSet, basename="award-payment")
    router.register("awards/reports", ReportViewSet, basename="award-report")
    router.register("awards/cofinancing-rules", CofinancingRuleViewSet, basename="cofinancing-rule")
    router.register("awards/top-ups", TopUpViewSet, basename="top-up")
