from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Réseau")

    def ready(self):
        from . import home, tally

        home.register()
        tally.connect()
