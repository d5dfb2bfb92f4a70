"""`/api/`: one router for every app's viewsets, the schema and its docs."""

from importlib import import_module

from django.conf import settings
from django.http import JsonResponse
from django.urls import include, path, re_path
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from forim_portal import schema  # noqa: F401 registers the schema extensions (strict bodies, non-negative decimals)

router = DefaultRouter()
# Each app exposes `register(router)` in its api.py.
for app_label in ("accounts", "members", "grants", "intents", "reviews", "awards", "documents", "events", "support", "dashboards"):
    if app_label in settings.INSTALLED_APPS and module_has_submodule(import_module(app_label), "api"):
        import_module(f"{app_label}.api").register(router)



@csrf_exempt  # a POST to an unknown address is a 404 too, not a CSRF page
def not_found(request):
    """Any other address under /api/ (an id that is not a number, a typo): the API's JSON 404, not a page."""
    return JsonResponse({"detail": _("Introuvable.")}, status=404)


urlpatterns = [
    path("v1/", include(router.urls)),
    # Error answers declared on every operation (forim_portal.schema.declare_errors).
    path("schema/", SpectacularAPIView.as_view(),
         name="api-schema"),
    # Swagger UI from drf-spectacular-sidecar (local files). No ReDoc: its page pulls fonts from Google.
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema", template_name="api/swagger_ui.html"), name="api-docs"),
    # Ends with a slash, so a missing one is still added by a redirect (APPEND_SLASH) first.
    re_path(r"^.*/$", not_found, name="api-not-found"),
]
