from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntentsConfig(AppConfig):
    name = "intents"
    verbose_name = _("Manifestations d'intérêt")

    def ready(self):
        from grants.services import register_start_gate

        from . import home, services

        # Two-stage calls: only a pre-selected association starts the full dossier, pre-filled from its statement.
        register_start_gate(services.admit_to_full_dossier)
        home.register()
