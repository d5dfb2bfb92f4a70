"""The PDF receipt of a submitted dossier (a documents.registry kind, also attached to the e-mail)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from documents.pdf import render_pdf

from .eligibility import budget_total
from .models import BudgetCategory


def receipt_context(application):
    lines = list(application.budget_lines.all())
    categories = dict(BudgetCategory.choices)
    return {
        "application": application,
        "lines": [(categories.get(line.category, line.category), line) for line in lines],
        "budget_total": budget_total(application),
        "documents": list(application.documents.select_related("vault_document")),
        "submitted_at": timezone.localtime(application.submitted_at) if application.submitted_at else None,
        "funding": [
            (_("Montant demandé au FORIM"), application.amount_requested),
            (_("Fonds propres"), application.own_funds),
            (_("Contributions en nature valorisées"), application.in_kind),
            (_("Apports des partenaires locaux"), application.local_partner_funds),
            (_("Autres financeurs"), application.other_funders),
        ],
    }


def render_receipt(application, progress=None, variant=""):
    content = render_pdf("grants/pdf/receipt.html", receipt_context(application))
    return f"accuse-de-depot-{application.reference or application.pk}.pdf", content


def can_view_receipt(user, application):
    from .rules import can_view_application

    return bool(application.reference) and can_view_application(user, application)


def check_receipt(application):
    from forim_portal.errors import DomainError

    if not application.reference:
        raise DomainError(_("L'accusé de dépôt existe une fois le dossier déposé."), code="not_submitted")
