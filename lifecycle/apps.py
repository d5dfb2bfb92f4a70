from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LifecycleConfig(AppConfig):
    name = "lifecycle"
    verbose_name = _("Cycles de vie")

    def ready(self):
        # Each app declares its state machines in `<app>/machines.py`: import them all so the
        # registry (and the workflow page) knows every machine once the apps are ready.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("machines")
