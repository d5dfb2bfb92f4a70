from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Réseau")

    def ready(self):
        from forim_portal.options import OPTIONS

        from . import country_index, home, tally
        from .models import Organisation

        home.register()
        tally.connect()
        country_index.connect()  # the rows the directory's country filter reads
        OPTIONS.refresh_on(Organisation)  # the directory's network and operator selects
