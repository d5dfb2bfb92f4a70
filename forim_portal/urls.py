from importlib import import_module

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext_lazy as _

from accounts.views import set_language

from .health import healthz

admin.site.site_header = _("Administration du portail FORIM")
admin.site.site_title = _("Portail FORIM")

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # The language switch also saves a signed-in user's choice on the account (e-mails, PDFs).
    path("i18n/setlang/", set_language, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("api/", include("forim_portal.api_urls")),
]

# Each app owns its pages under its own prefix; an app without urls yet is skipped.
APP_PREFIXES = {
    "members": "reseau/",
    "grants": "subventions/",
    "intents": "manifestations/",
    "history": "instruction/historique/",
    "reviews": "instruction/",
    "awards": "suivi/",
    "documents": "documents/",
    "events": "evenements/",
    "support": "accompagnement/",
    "dashboards": "tableaux/",
}
for app_label, prefix in APP_PREFIXES.items():
    if app_label in settings.INSTALLED_APPS and module_has_submodule(import_module(app_label), "urls"):
        urlpatterns.append(path(prefix, include(f"{app_label}.urls")))
