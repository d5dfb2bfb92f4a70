"""`/api/v1/calls/` and `/api/v1/applications/`: the same services, rules and permissions as the pages."""

import functools

from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django_countries.serializers import CountryFieldMixin
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from access import visibility
from access.permissions import HasPermission, IsForimStaff, StaffWritesOnly
from access.visibility import Purpose
from forim_portal.api import COMMON_QUERY_PARAMS, AmountField, StrictFieldsMixin, StrictInputMixin
from forim_portal.quick_read import QuickReadMixin
from members.models import Organisation
from members.rules import can_edit_for, organisation_ids

from . import currencies, selectors, services, tally
from .eligibility import LIFTABLE_RULES, check_application
from .forms import MAX_AMOUNT
from .models import (
    Application,
    BudgetCategory,
    BudgetLine,
    Call,
    CallCurrencyRate,
    CorrectionRequest,
    Criterion,
    RuleWaiver,
)
from .steps import FUNDING_FIELDS, PROJECT_FIELDS, TYPED_FUNDING_FIELDS

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


class CallCurrencyRateSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """A rate the call fixes for one currency (grants.currencies.check_rate); fixed parities (XOF…) need none."""

    currency = serializers.CharField(max_length=3, help_text=_("Code ISO 4217, par ex. MAD."))

    class Meta:
        model = CallCurrencyRate
        fields = ["currency", "units_per_euro", "rate_date"]


class CallSerializer(CountryFieldMixin, serializers.ModelSerializer):
    criteria = CriterionSerializer(many=True, read_only=True)
    currency_rates = CallCurrencyRateSerializer(
        many=True, required=False,
        help_text=_("Les taux de change de l'appel (la liste remplace l'existante). XOF, XAF, KMF et CVE ont une parité fixe."),
    )
    programme_code = serializers.CharField(source="programme.code", read_only=True)
    is_open = serializers.SerializerMethodField()

    class Meta:
        model = Call
        fields = [
            "id", "programme", "programme_code", "year", "title", "description", "opens_at", "intent_deadline", "deadline", "is_open", "envelope",
            "max_grant", "max_grant_share", "min_total_budget", "max_total_budget", "min_association_age_months",
            "max_duration_months", "country_list", "eligible_countries", "excluded_countries", "track_record_required", "sectors",
            "required_documents", "operator_visa_required", "tranche_split", "reviewers_per_application", "anonymous_review", "criteria",
            "currency_rates",
        ]

    def get_is_open(self, call) -> bool:
        return call.is_open()


class CallViewSet(StrictInputMixin, viewsets.ModelViewSet):
    """Calls and their rules. Everyone signed in reads; FORIM staff write."""

    serializer_class = CallSerializer
    permission_classes = [permissions.IsAuthenticated, StaffWritesOnly]
    queryset = Call.objects.select_related("programme").prefetch_related("criteria", "currency_rates").order_by("-year", "id")
    filterset_fields = ["programme", "year"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    # Writes go through the service: the same rules (split, budgets, dates, money) and French messages as the page.
    def perform_create(self, serializer):
        self._save_call(serializer, call=None)

    def perform_update(self, serializer):
        self._save_call(serializer, call=serializer.instance)

    def _save_call(self, serializer, *, call):
        fields = dict(serializer.validated_data)
        rates = fields.pop("currency_rates", None)
        with transaction.atomic():
            serializer.instance = services.save_call(by=self.request.user, call=call, **fields)
            if rates is not None:
                currencies.set_call_rates(call=serializer.instance, by=self.request.user, rates=rates)


class BudgetLineSerializer(QuickReadMixin, serializers.ModelSerializer):
    id = serializers.IntegerField(required=False)
    category = serializers.ChoiceField(choices=BudgetCategory.choices, error_messages={"invalid_choice": _("Catégorie inconnue : « {input} ».")})
    label = serializers.CharField(max_length=255)
    quantity = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0, default=1, error_messages=QUANTITY_ERRORS)
    unit_cost = money(required=False, help_text=_("En euros. Pour un budget dans une autre devise, envoyez local_unit_cost : ce montant est alors calculé."))
    local_unit_cost = AmountField(
        required=False, allow_null=True,
        help_text=_("Dans la devise du budget du dossier (budget_currency), quand elle n'est pas l'euro."),
    )

    class Meta:
        model = BudgetLine
        fields = ["id", "category", "label", "quantity", "unit_cost", "amount", "currency", "local_unit_cost", "local_amount"]
        read_only_fields = ["amount", "currency", "local_amount"]

    def validate(self, attrs):
        if not attrs.get("id") and attrs.get("unit_cost") is None and attrs.get("local_unit_cost") is None:
            raise serializers.ValidationError({"unit_cost": [_("Indiquez le coût unitaire : unit_cost en euros, ou local_unit_cost dans la devise du budget.")]})
        return attrs


class RuleResultSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    ok = serializers.BooleanField()
    message = serializers.CharField()
    field = serializers.CharField()
    waiver = serializers.CharField(help_text=_("Règle levée par l'équipe du FORIM pour ce dossier : qui, quand, pourquoi (vide sinon)."))


class SubmitSerializer(serializers.Serializer):
    changes = serializers.CharField(required=False, allow_blank=True, max_length=5000,
                                    help_text="after a request for corrections: what the association changed")


class VisaRequestSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, help_text="a word for the operator")


class RuleWaiverSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """A rule of the call lifted by staff for one dossier (grants.services.lift_rule)."""

    rule = serializers.ChoiceField(choices=list(LIFTABLE_RULES.items()), error_messages={"invalid_choice": _("Règle inconnue : « {input} ».")})
    reason = serializers.CharField(max_length=2000)
    by = serializers.StringRelatedField(read_only=True)

    class Meta:
        model = RuleWaiver
        fields = ["id", "rule", "reason", "by", "at"]
        read_only_fields = ["id", "by", "at"]


class CorrectionRequestSerializer(QuickReadMixin, serializers.ModelSerializer):
    class Meta:
        model = CorrectionRequest
        fields = ["id", "sections", "message", "due_on", "created_at", "resolved_at"]
        read_only_fields = fields


class ApplicationSerializer(QuickReadMixin, CountryFieldMixin, serializers.ModelSerializer):
    budget_lines = BudgetLineSerializer(many=True, required=False)
    corrections = CorrectionRequestSerializer(source="correction_requests", many=True, read_only=True)
    rules = serializers.SerializerMethodField()
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all(), required=False)
    lock_version = serializers.IntegerField(required=False)
    amount_requested = money(required=False)
    own_funds = money(required=False)
    in_kind = money(
        read_only=True,
        help_text=_("Contributions en nature valorisées : la somme des lignes du budget de catégorie « in_kind » (calculée, en lecture seule)."),
    )
    local_partner_funds = money(required=False)
    other_funders = money(required=False)
    budget_currency = serializers.CharField(
        max_length=3, required=False,
        help_text=_("Devise des lignes du budget (EUR par défaut) : une devise à parité fixe (XOF, XAF, KMF, CVE) ou dont l'appel fixe le taux."),
    )
    budget_conversion = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "id", "call", "organisation", "status", "reference", *PROJECT_FIELDS, *FUNDING_FIELDS, "operator",
            "budget_units_per_euro", "budget_rate_date", "budget_conversion", "budget_lines", "lock_version", "submitted_at", "updated_at", "rules", "corrections",
        ]
        read_only_fields = ["status", "reference", "submitted_at", "updated_at", "budget_units_per_euro", "budget_rate_date", "in_kind"]

    def get_budget_conversion(self, application) -> str:
        """How the lines became euros: the rate, its date and the rounding (empty for a budget in euros)."""
        return currencies.application_note(application)

    @extend_schema_field(RuleResultSerializer(many=True))
    def get_rules(self, application):
        """The call's rules on this draft; left out of lists so they stay a constant number of queries."""
        view = self.context.get("view")
        if getattr(view, "action", None) == "list" or application.status not in ("draft", "corrections_requested"):
            return []
        return RuleResultSerializer(check_application(application), many=True).data


class ValuesWriter:
    """A serializer's output for rows read with `.values()` (issue 15: the API list of dossiers).

    The same fields in the same order, each value shown by the serializer's own field (`to_representation`,
    None staying None as in DRF), without a model instance nor DRF's per-field `get_attribute`. A related
    key is its id; a text or whole number read from the database is shown as it is (what `str`/`int` give).
    The fields named in `given` are handed in by the caller, row by row (nested rows, computed values).
    Built once per process from a serializer without context: its fields are formats, not data.
    """

    AS_READ = (serializers.CharField, serializers.IntegerField, serializers.PrimaryKeyRelatedField)

    def __init__(self, serializer, *, given=()):
        self.plan = []  # (name, column or None when given, format or None when shown as read)
        self.columns = ["id"]
        for name, field in serializer.fields.items():
            if field.write_only:
                continue
            if name in given:
                self.plan.append((name, None, None))
                continue
            if len(field.source_attrs) != 1:
                raise TypeError(f"{name}: a list read with .values() shows columns, not {field.source}")
            column = field.source
            self.plan.append((name, column, None if type(field) in self.AS_READ else field.to_representation))
            if column not in self.columns:
                self.columns.append(column)

    def write(self, row, **given):
        out = {}
        for name, column, show in self.plan:
            if column is None:
                out[name] = given[name]
            else:
                value = row[column]
                out[name] = value if value is None or show is None else show(value)
        return out


@functools.cache
def _list_writers():
    """(dossier, budget line, correction request) writers of the API list, from the detail's serializers."""
    application = ApplicationSerializer()
    return (
        ValuesWriter(application, given=("budget_lines", "corrections", "rules", "budget_conversion")),
        ValuesWriter(application.fields["budget_lines"].child),
        ValuesWriter(application.fields["corrections"].child),
    )


def _budget_lines():
    return BudgetLine.objects.order_by("position", "id")


class ApplicationViewSet(StrictInputMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Dossiers the user may see. Create a draft, update it (with `lock_version`), then `submit`."""

    serializer_class = ApplicationSerializer
    filterset_fields = ["call", "status"]
    # A draft is changed field by field under its lock_version (PATCH); a whole-object PUT has no use here.
    http_method_names = ["get", "post", "patch", "head", "options"]
    # Found in the private dossiers (else 404), then asked of the registered rules (else 403).
    permission_classes = [HasPermission]
    permission_map = dict.fromkeys(["update", "partial_update", "submit", "request_visa"], "grants.change_application")

    def get_queryset(self):
        dossiers = visibility.applications(self.request.user).order_by("-created_at", "-id")
        if self.action == "list":
            return dossiers  # read as values by `list`
        # one dossier's rules and permissions read its documents and visas
        lines = Prefetch("budget_lines", queryset=_budget_lines())
        return dossiers.select_related("call", "organisation", "operator").prefetch_related(
            lines, "correction_requests", "documents", "visas"
        )

    def known_count(self, request):
        """The total from the dossiers' tally when only the call or the state filters the list (staff)."""
        return tally.count_for_query(request.user, Purpose.PRIVATE, request.query_params, ignored=COMMON_QUERY_PARAMS - {"search"})

    def list(self, request, *args, **kwargs):
        # The serializer's output, read with `.values()` (no docstring: it would become the schema's description).
        # tests/grants/test_api_list.py compares each row with the dossier's detail, byte for byte.
        dossier, line, correction = _list_writers()
        queryset = self.filter_queryset(self.get_queryset()).values(*dossier.columns)
        page = self.paginate_queryset(queryset)
        rows = list(queryset) if page is None else page
        ids = [row["id"] for row in rows]
        lines = selectors.rows_by_dossier(_budget_lines(), application_ids=ids, columns=line.columns)
        corrections = selectors.rows_by_dossier(CorrectionRequest.objects.all(), application_ids=ids, columns=correction.columns)
        results = [
            dossier.write(
                row,
                budget_lines=[line.write(each) for each in lines[row["id"]]],
                corrections=[correction.write(each) for each in corrections[row["id"]]],
                rules=[],  # a list leaves the rules out, so it stays a constant number of queries
                budget_conversion=currencies.conversion_note(
                    row["budget_currency"], row["budget_units_per_euro"], row["budget_rate_date"]
                ),
            )
            for row in rows
        ]
        return Response(results) if page is None else self.get_paginated_response(results)

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

    @extend_schema(request=SubmitSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit the dossier (or send it back corrected, saying in `changes` what was changed)."""
        application = self.get_object()
        serializer = SubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.submit_application(application=application, by=request.user, changes=serializer.validated_data.get("changes", ""))
        return Response(self.get_serializer(self._fresh(application)).data)

    @extend_schema(request=VisaRequestSerializer)
    @action(detail=True, methods=["post"], url_path="request-visa")
    def request_visa(self, request, pk=None):
        """The association asks its support operator for the visa (e-mailed, at most once a day)."""
        application = self.get_object()
        serializer = VisaRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.request_visa(application=application, by=request.user, note=serializer.validated_data.get("note", ""))
        return Response(self.get_serializer(self._fresh(application)).data)

    @extend_schema(request=RuleWaiverSerializer, responses={201: RuleWaiverSerializer})
    @action(detail=True, methods=["post"], url_path="lift-rule", serializer_class=RuleWaiverSerializer, permission_classes=[IsForimStaff])
    def lift_rule(self, request, pk=None):
        """FORIM staff: lift one rule of the call for this dossier, with the reason (kept with who and when)."""
        application = self.get_object()
        serializer = RuleWaiverSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        waiver = services.lift_rule(application=application, by=request.user, **serializer.validated_data)
        return Response(RuleWaiverSerializer(waiver).data, status=status.HTTP_201_CREATED)

    def _save(self, application, data, *, lock_version):
        data.pop("lock_version", None)
        lines = data.pop("budget_lines", None)
        values_by_step = {}
        for name, value in data.items():
            step = "project" if name in PROJECT_FIELDS else "budget" if name in TYPED_FUNDING_FIELDS else "operator" if name == "operator" else None
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
