from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Événements")

    def ready(self):
        from outbox.mail import register_attachment

        from . import home
        from .documents import register_kinds
        from .notifications import calendar_attachment

        register_kinds()
        register_attachment("events.calendar", calendar_attachment)
        home.register()
