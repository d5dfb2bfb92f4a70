"""`/api/v1/documents/jobs/`: request a generated document, poll its progress, download it."""

from django.apps import apps
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from access import visibility
from forim_portal.api import StrictFieldsMixin
from forim_portal.uploads import serve_file

from .models import DocumentJob, JobStatus
from .registry import all_kinds, get_kind
from .services import request_document


class JobSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = DocumentJob
        fields = ["id", "kind", "target_id", "variant", "status", "percent", "progress_done", "progress_total", "error",
                  "attempts", "filename", "download_url", "created_at", "started_at", "finished_at"]
        read_only_fields = fields

    def get_download_url(self, job) -> str | None:
        if job.status != JobStatus.DONE:
            return None
        request = self.context.get("request")
        url = f"/api/v1/documents/jobs/{job.pk}/download/"
        return request.build_absolute_uri(url) if request else url


class JobRequestSerializer(StrictFieldsMixin, serializers.Serializer):
    # The registered kinds (the registry refuses any other); apps register theirs in ready(), before the URLs load.
    kind = extend_schema_field({"type": "string", "enum": sorted(all_kinds())})(serializers.CharField(max_length=40))
    target = serializers.IntegerField(min_value=1)
    variant = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")


class DocumentJobViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Staff list every job; others the documents of what they may read (access.visibility.document_jobs). Else 404."""

    serializer_class = JobSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_fields = ["kind", "status"]

    queryset = DocumentJob.objects.none()  # for the schema; each request gets its own below

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return visibility.document_jobs(self.request.user).order_by("-created_at", "-id")

    def get_serializer_class(self):
        return JobRequestSerializer if self.action == "create" else JobSerializer

    @extend_schema(request=JobRequestSerializer, responses={202: JobSerializer})
    def create(self, request, *args, **kwargs):
        serializer = JobRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        spec = get_kind(data["kind"])
        target = apps.get_model(spec.model).objects.filter(pk=data["target"]).first()
        if target is None or not spec.can_view(request.user, target):
            raise Http404
        job = request_document(kind=spec.code, target=target, user=request.user, variant=data["variant"])
        job.refresh_from_db()
        return Response(JobSerializer(job, context={"request": request}).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY, (200, "application/zip"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        job = self.get_object()
        if job.status != JobStatus.DONE or not job.file:
            raise Http404
        return serve_file(job.file, filename=job.filename)


def register(router):
    router.register("documents/jobs", DocumentJobViewSet, basename="document-job")
