"""`/api/`: one router for every app's viewsets, the schema and its docs."""

from importlib import import_module

from django.conf import settings
from django.urls import include, path
from django.utils.module_loading import module_has_submodule
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

router = DefaultRouter()
# Each app exposes `register(router)` in its api.py.
for app_label in ("accounts", "members", "grants", "reviews", "awards", "documents", "events", "support", "dashboards"):
    if app_label in settings.INSTALLED_APPS and module_has_submodule(import_module(app_label), "api"):
        import_module(f"{app_label}.api").register(router)

urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI from drf-spectacular-sidecar (local files). No ReDoc: its page pulls fonts from Google.
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
