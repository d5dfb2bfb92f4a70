from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Instruction et comité")

    def ready(self):
        from documents.registry import register
        from grants import workflow

        from . import conflicts, exports, home, rules  # noqa: F401  (registers the permissions)
        from .minutes import MINUTES
        from .services import committee_guard, require_amount_within_rules

        for name in ("award", "reject", "defer"):
            workflow.register_guard(name, committee_guard(name))
        workflow.register_guard("award", require_amount_within_rules)
        register(MINUTES)
        exports.register_kind()
        home.register()
        refresh_option_lists()
        conflicts.connect()


def refresh_option_lists():
    """The staff table's lists (calls, networks, operators, reviewers) are read again after these rows change."""
    from django.contrib.auth import get_user_model

    from accounts.models import LISTED_USER_FIELDS
    from forim_portal.options import OPTIONS
    from grants.models import Call
    from members.models import Organisation

    OPTIONS.refresh_on(Call)
    OPTIONS.refresh_on(Organisation)
    OPTIONS.refresh_on(get_user_model(), fields=LISTED_USER_FIELDS)
