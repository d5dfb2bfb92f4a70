"""`/api/v1/events/`: the agenda (open events without login), registration, cancellation and check-in.

Same rules as the pages: lists hold only what the user may see, anything else is a 404;
writes go through the services (DomainError -> JSON 4xx).
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from access import visibility
from access.permissions import has_perm
from forim_portal.api import NoBodySerializer, StrictFieldsMixin
from forim_portal.quick_read import PageFiguresMixin
from members.models import Organisation

from . import selectors, services
from .models import Event, Registration


class EventSerializer(serializers.ModelSerializer):
    organiser_name = serializers.CharField(source="organiser.name", read_only=True)
    confirmed_count = serializers.IntegerField(read_only=True)
    waiting_count = serializers.IntegerField(read_only=True)
    online_url = serializers.URLField(read_only=True, allow_blank=True)

    class Meta:
        model = Event
        fields = ["id", "kind", "title", "organiser", "organiser_name", "starts_at", "ends_at", "place", "city",
                  "region", "online_url", "description", "capacity", "audience", "registration_deadline", "call",
                  "confirmed_count", "waiting_count"]
        read_only_fields = fields


class RegistrationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Registration
        fields = ["id", "event", "organisation", "name", "email", "status", "created_at", "promoted_at",
                  "cancelled_at", "checked_in_at"]
        read_only_fields = fields


class RegisterSerializer(StrictFieldsMixin, serializers.Serializer):
    organisation = serializers.IntegerField(required=False, allow_null=True, help_text=_("Au nom de cette organisation."))
    name = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")


class CheckInSerializer(StrictFieldsMixin, serializers.Serializer):
    present = serializers.BooleanField(default=True)


class EventViewSet(PageFiguresMixin, viewsets.ReadOnlyModelViewSet):
    """Upcoming events this user may see; open events are public."""

    page_figures = staticmethod(selectors.with_registration_counts)  # the page's events only

    serializer_class = EventSerializer
    queryset = Event.objects.none()
    permission_classes = [permissions.AllowAny]
    filterset_fields = ["kind", "audience", "organiser"]
    ordering_fields = ["starts_at"]

    def get_queryset(self):
        return selectors.agenda(self.request.user)

    @extend_schema(request=RegisterSerializer, responses={201: RegistrationSerializer})
    @action(detail=True, methods=["post"], serializer_class=RegisterSerializer,
            permission_classes=[permissions.IsAuthenticated])
    def register(self, request, pk=None):
        event = self.get_object()
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        organisation = None
        if serializer.validated_data.get("organisation"):
            organisation = Organisation.objects.filter(pk=serializer.validated_data["organisation"]).first()
            if organisation is None:
                raise NotFound()
        registration = services.register(event=event, by=request.user, organisation=organisation,
                                         name=serializer.validated_data["name"], email=serializer.validated_data["email"])
        return Response(RegistrationSerializer(registration).data, status=status.HTTP_201_CREATED)


class RegistrationViewSet(viewsets.ReadOnlyModelViewSet):
    """The user's own registrations and those of the events they run."""

    serializer_class = RegistrationSerializer
    permission_classes = [permissions.IsAuthenticated]
    queryset = Registration.objects.none()
    filterset_fields = ["event", "status"]
    search_fields = ["name", "email"]

    def get_queryset(self):
        return visibility.registrations(self.request.user).select_related("event").order_by("event__starts_at", "created_at", "pk")

    @extend_schema(request=None, responses=RegistrationSerializer)
    @action(detail=True, methods=["post"], serializer_class=NoBodySerializer)
    def cancel(self, request, pk=None):
        registration, _promoted = services.cancel_registration(registration=self.get_object(), by=request.user)
        return Response(RegistrationSerializer(registration).data)

    @extend_schema(request=CheckInSerializer, responses=RegistrationSerializer)
    @action(detail=True, methods=["post"], url_path="check-in", serializer_class=CheckInSerializer)
    def check_in(self, request, pk=None):
        registration = self.get_object()
        if not has_perm(request.user, "events.manage_event", registration.event):
            raise NotFound()
        serializer = CheckInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        registration = services.check_in(registration=registration, by=request.user, present=serializer.validated_data["present"])
        return Response(RegistrationSerializer(registration).data)


def register(router):
    router.register("events", EventViewSet, basename="event")
    router.register("event-registrations", RegistrationViewSet, basename="event-registration")
