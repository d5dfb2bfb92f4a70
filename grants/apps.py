from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrantsConfig(AppConfig):
    name = "grants"
    verbose_name = _("Subventions")

    def ready(self):
        from documents.registry import DocumentKind, register

        from . import services, workflow
        from .documents import can_view_receipt, check_receipt, render_receipt

        register(DocumentKind(
            code="receipt", label=_("Accusé de dépôt"), model="grants.Application",
            render=render_receipt, can_view=can_view_receipt, check=check_receipt,
        ))
        workflow.register_guard("submit", services.refuse_after_deadline)
        workflow.register_effect("submit", services.assign_reference)
        workflow.register_effect("submit", services.keep_version)
        workflow.register_effect("resubmit", services.keep_version)
        workflow.register_effect("resubmit", services.resolve_corrections)
