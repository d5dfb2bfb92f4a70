from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrantsConfig(AppConfig):
    name = "grants"
    verbose_name = _("Subventions")

    def ready(self):
        from access import visibility
        from documents.registry import DocumentKind, register
        from outbox.mail import register_attachment

        from . import home, services, tally, workflow
        from .documents import check_receipt, render_receipt
        from .notifications import receipt_attachment

        register(DocumentKind(
            code="receipt", label=_("Accusé de dépôt"), model="grants.Application",
            render=render_receipt, readable=visibility.receipts, check=check_receipt,
        ))
        workflow.register_guard("submit", services.refuse_after_deadline)
        workflow.register_effect("submit", services.assign_reference)
        workflow.register_effect("submit", services.keep_version)
        workflow.register_effect("resubmit", services.keep_version)
        workflow.register_effect("resubmit", services.resolve_corrections)
        register_attachment("grants.receipt", receipt_attachment)
        home.register()
        tally.connect()
