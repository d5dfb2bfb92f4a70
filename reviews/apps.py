from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Instruction et comité")

    def ready(self):
        from documents.registry import register
        from grants import workflow

        from . import conflicts, exports, home, options, rules  # noqa: F401  (registers the permissions)
        from .minutes import MINUTES
        from .services import committee_guard, require_amount_within_rules

        for name in ("award", "reject", "defer"):
            workflow.register_guard(name, committee_guard(name))
        workflow.register_guard("award", require_amount_within_rules)
        register(MINUTES)
        exports.register_kind()
        home.register()
        options.connect()
        conflicts.connect()
