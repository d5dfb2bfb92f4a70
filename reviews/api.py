"""`/api/v1/`: transitions, review assignments, reviews and committee decisions, same rules as the pages."""

from django.shortcuts import get_object_or_404
from django_countries.serializers import CountryFieldMixin
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from access import visibility
from access.permissions import IsForimStaff, check_staff
from accounts.models import User
from forim_portal.api import StrictFieldsMixin, StrictInputMixin
from forim_portal.quick_read import ChoiceLabelField, PageFiguresMixin, QuickReadMixin
from forim_portal.schema import OptionalPositiveAmountText
from grants import workflow
from grants.models import Application
from grants.states import State
from grants.steps import EDITABLE_STEPS

from . import selectors, services
from .filters import ApplicationFilter
from .models import CommitteeDecision, CommitteeSession, Outcome, Recommendation, Review, ReviewAssignment


class FieldsInferredOnceMixin:
    """For a ModelSerializer read on every request: the fields it infers from the model are worked out once per
    class, and each serializer gets new ones made from the same arguments, as DRF's `Field.__deepcopy__` remakes a
    field (the arguments are shared, not copied: a field only reads them). ~0.4 ms a request where DRF infers the
    fields afresh, ~1.5 ms; the same fields, the same schema."""

    def get_fields(self):
        inferred = type(self).__dict__.get("_inferred_fields")
        if inferred is None:
            inferred = super().get_fields()
            type(self)._inferred_fields = inferred  # never bound to a serializer: a pattern to copy
        return {name: type(field)(*field._args, **field._kwargs) for name, field in inferred.items()}


class InstructionApplicationSerializer(FieldsInferredOnceMixin, QuickReadMixin, CountryFieldMixin, serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.name")
    call = serializers.CharField(source="call.title")
    status_label = ChoiceLabelField(source="status", choices=Application._meta.get_field("status").flatchoices)
    reviews_done = serializers.IntegerField()
    reviewers_count = serializers.IntegerField()

    class Meta:
        model = Application
        fields = ["id", "reference", "title", "call", "organisation", "country", "sector", "status", "status_label",
                  "amount_requested", "score", "awarded_amount", "reviews_done", "reviewers_count", "submitted_at"]


class TransitionInput(StrictFieldsMixin, serializers.Serializer):
    name = serializers.ChoiceField(choices=sorted(workflow.TRANSITIONS))
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    expected_state = serializers.ChoiceField(choices=State.choices, required=False, allow_null=True, default=None)
    # request_corrections only: the steps to correct (the service keeps the known ones, needs at least one)
    sections = extend_schema_field({"type": "array", "items": {"type": "string", "enum": sorted(EDITABLE_STEPS)}})(
        serializers.ListField(child=serializers.CharField(), required=False, default=list))
    due_on = serializers.DateField(required=False, allow_null=True, default=None,
                                   help_text="request_corrections only: the date the association sends them back by (default: in 15 days).")


class AvailableTransitionSerializer(serializers.Serializer):
    name = serializers.ChoiceField(choices=sorted(workflow.TRANSITIONS))
    label = serializers.CharField()
    target = serializers.ChoiceField(choices=State.choices)
    comment_required = serializers.BooleanField()


class TransitionRecordSerializer(serializers.Serializer):
    name = serializers.CharField()
    from_ = serializers.ChoiceField(choices=State.choices)
    to = serializers.ChoiceField(choices=State.choices)
    by = serializers.EmailField(allow_null=True)
    at = serializers.DateTimeField()
    comment = serializers.CharField(allow_blank=True)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")  # `from` is a Python keyword
        return fields


class TransitionsSerializer(serializers.Serializer):
    """A dossier's state, the moves the caller may make now, and its audit trail."""

    status = serializers.ChoiceField(choices=State.choices)
    available = AvailableTransitionSerializer(many=True)
    history = TransitionRecordSerializer(many=True)


def _transition_payload(application, user):
    return {
        "status": application.status,
        "available": [
            {"name": spec.name, "label": str(spec.label), "target": spec.target, "comment_required": spec.comment_required}
            for spec in workflow.available_transitions(application, user)
        ],
        "history": [
            {"name": t.name, "from": t.from_state, "to": t.to_state, "by": t.by.email if t.by else None, "at": t.at, "comment": t.comment}
            for t in application.transitions.select_related("by").order_by("at", "id")
        ],
    }


class InstructionApplicationViewSet(PageFiguresMixin, viewsets.ReadOnlyModelViewSet):
    """Staff's dossier table (same filters as the page) and each dossier's transitions."""

    page_figures = staticmethod(selectors.with_review_figures)  # the review figures of the page's rows only

    permission_classes = [permissions.IsAuthenticated, IsForimStaff]
    serializer_class = InstructionApplicationSerializer
    filterset_class = ApplicationFilter
    search_fields = []
    ordering_fields = []

    def known_count(self, request):
        return selectors.staff_table_count(request.user, request.query_params)

    def get_queryset(self):
        queryset = selectors.staff_applications(self.request.user)
        return selectors.table_rows(queryset) if self.action in {"list", "retrieve"} else queryset

    @extend_schema(methods=["GET"], responses=TransitionsSerializer)
    @extend_schema(methods=["POST"], request=TransitionInput, responses=TransitionsSerializer)
    @action(detail=True, methods=["get", "post"], serializer_class=TransitionInput)
    def transitions(self, request, pk=None):
        """GET: the moves possible now and the audit trail. POST {name, comment, expected_state}: fire one."""
        application = self.get_object()
        if request.method == "POST":
            data = TransitionInput(data=request.data)
            data.is_valid(raise_exception=True)
            services.fire_transition(application=application, by=request.user, **data.validated_data)
            application.refresh_from_db()
        return Response(_transition_payload(application, request.user))


class AssignmentSerializer(serializers.ModelSerializer):
    reviewer_email = serializers.CharField(source="reviewer.email", read_only=True)
    submitted = serializers.SerializerMethodField()

    class Meta:
        model = ReviewAssignment
        fields = ["id", "application", "reviewer", "reviewer_email", "assigned_at", "submitted"]
        read_only_fields = ["assigned_at"]

    def get_submitted(self, assignment) -> bool:
        review = getattr(assignment, "review", None)
        return bool(review and review.is_submitted)


class AssignmentViewSet(StrictInputMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                        mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """Staff manage assignments; a reviewer lists their own."""

    serializer_class = AssignmentSerializer
    search_fields = []
    ordering_fields = []
    filterset_fields = ["application"]

    def get_queryset(self):
        return visibility.review_assignments(self.request.user).select_related("reviewer", "review").order_by("pk")

    def create(self, request, *args, **kwargs):
        check_staff(request.user)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        application = get_object_or_404(selectors.staff_applications(request.user), pk=serializer.validated_data["application"].pk)
        reviewer = get_object_or_404(User, pk=serializer.validated_data["reviewer"].pk)
        assignment = services.assign_reviewer(application=application, reviewer=reviewer, by=request.user)
        return Response(self.get_serializer(assignment).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        check_staff(request.user)
        services.unassign_reviewer(assignment=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ScoreSerializer(StrictFieldsMixin, serializers.Serializer):
    criterion = serializers.IntegerField()
    value = serializers.IntegerField(min_value=0)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class DossierReviewSerializer(serializers.ModelSerializer):
    application = serializers.IntegerField(source="assignment.application_id", read_only=True)
    reviewer = serializers.SerializerMethodField()
    scores = serializers.SerializerMethodField()

    class Meta:
        model = Review
        fields = ["id", "assignment", "application", "reviewer", "score", "recommendation", "comment", "submitted_at",
                  "shared_with_applicant", "scores"]

    def get_reviewer(self, review) -> str | None:
        user = self.context["request"].user
        return review.assignment.reviewer.email if visibility.is_staff(user) or review.assignment.reviewer_id == user.pk else None

    def get_scores(self, review) -> list[dict]:
        return [{"criterion": s.criterion_id, "label": s.criterion.label, "value": s.value, "comment": s.comment} for s in review.scores.all()]


class ReviewInput(StrictFieldsMixin, serializers.Serializer):
    assignment = serializers.IntegerField()
    scores = ScoreSerializer(many=True)
    recommendation = serializers.ChoiceField(choices=Recommendation.choices, required=False, allow_blank=True, default="")
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    submit = serializers.BooleanField(required=False, default=False)


class ReviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Reviews a user may read; a reviewer POSTs their own scores (draft or submit)."""

    serializer_class = DossierReviewSerializer
    search_fields = []
    ordering_fields = []

    def get_queryset(self):
        return visibility.reviews(self.request.user).select_related("assignment__reviewer").prefetch_related("scores__criterion").order_by("pk")

    @extend_schema(request=ReviewInput, responses={201: DossierReviewSerializer})
    def create(self, request, *args, **kwargs):
        data = ReviewInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        assignment = ReviewAssignment.objects.select_related("application__call").filter(pk=values["assignment"], reviewer=request.user).first()
        if assignment is None:
            return Response({"detail": "Vous n'êtes pas évaluateur de ce dossier.", "code": "not_assigned"}, status=status.HTTP_403_FORBIDDEN)
        review = services.save_review(
            assignment=assignment, by=request.user, recommendation=values["recommendation"], comment=values["comment"],
            submit=values["submit"], scores={s["criterion"]: (s["value"], s["comment"]) for s in values["scores"]},
        )
        saved = self.get_queryset().get(pk=review.pk)
        return Response(DossierReviewSerializer(saved, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED)

    def get_serializer_class(self):
        return ReviewInput if self.action == "create" else DossierReviewSerializer


class DecisionSerializer(serializers.ModelSerializer):
    expected_state = serializers.ChoiceField(choices=State.choices, write_only=True, required=False, allow_null=True, default=None)
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    # text or number, read by the service (forim_portal.money): "10 500,00", 10500; NaN or sub-cent refused there
    amount = OptionalPositiveAmountText(help_text="award only: the amount awarded")

    class Meta:
        model = CommitteeDecision
        fields = ["id", "session", "application", "outcome", "amount", "reason", "decided_at", "expected_state"]
        read_only_fields = ["decided_at"]


class DecisionViewSet(StrictInputMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Committee decisions: staff list them and record one (through the workflow)."""

    permission_classes = [permissions.IsAuthenticated, IsForimStaff]
    serializer_class = DecisionSerializer
    queryset = CommitteeDecision.objects.order_by("pk")
    filterset_fields = ["session", "application"]
    search_fields = []
    ordering_fields = []

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        session = get_object_or_404(CommitteeSession, pk=values["session"].pk)
        decision = services.record_decision(
            session=session, application=values["application"], by=request.user, outcome=values["outcome"],
            amount=values.get("amount"), reason=values.get("reason", ""), expected_state=values["expected_state"],
        )
        return Response(self.get_serializer(decision).data, status=status.HTTP_201_CREATED)


def register(router):
    router.register("instruction/applications", InstructionApplicationViewSet, basename="instruction-application")
    router.register("review-assignments", AssignmentViewSet, basename="review-assignment")
    router.register("reviews", ReviewViewSet, basename="review")
    router.register("committee-decisions", DecisionViewSet, basename="committee-decision")
