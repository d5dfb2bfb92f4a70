"""`/api/v1/me/`: who the caller is, and which organisations they act for."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from .models import User


class MembershipSerializer(serializers.Serializer):
    organisation = serializers.IntegerField(source="organisation_id")
    organisation_name = serializers.CharField(source="organisation.name")
    role = serializers.CharField()


class MeSerializer(serializers.ModelSerializer):
    memberships = MembershipSerializer(many=True, read_only=True)

    class Meta:
        model = User
        fields = ["id", "email", "first_name", "last_name", "role", "language", "memberships"]
        read_only_fields = fields


class OneObjectSchema(AutoSchema):
    """`/me/` answers one object, though it is the viewset's `list`."""

    def _is_list_view(self, serializer=None):
        return False


class MeViewSet(viewsets.ViewSet):
    """The authenticated user (session or personal token)."""

    schema = OneObjectSchema()

    @extend_schema(responses=MeSerializer)
    def list(self, request):
        user = User.objects.prefetch_related("memberships__organisation").get(pk=request.user.pk)
        return Response(MeSerializer(user).data)


def register(router):
    router.register("me", MeViewSet, basename="me")
