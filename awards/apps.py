from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = _("Suivi des projets financés")

    def ready(self):
        from forim_portal.options import OPTIONS
        from grants import workflow
        from grants.models import Call

        from . import dossier, home, services
        from .documents import register_kinds

        workflow.register_effect("award", services.on_award)
        workflow.register_effect("sign_agreement", services.on_sign_agreement)
        workflow.register_guard("close", services.closing_guard)
        register_kinds()
        home.register()
        dossier.register()
        OPTIONS.refresh_on(Call)  # the follow-up list's call select
