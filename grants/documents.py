"""The PDF receipt of a submitted dossier (a documents.registry kind, also attached to the e-mail)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from documents.pdf import render_pdf
from members.selectors import current_documents

from .currencies import budget_sentence, local_total
from .eligibility import budget_total, document_label
from .models import BudgetCategory


def receipt_context(application):
    lines = list(application.budget_lines.all())
    categories = dict(BudgetCategory.choices)
    return {
        "application": application,
        "lines": [(categories.get(line.category, line.category), line) for line in lines],
        "budget_total": budget_total(application),
        "local_total": local_total(application, lines),
        "conversion_note": budget_sentence(application),
        "documents": documents_list(application),
        "submitted_at": timezone.localtime(application.submitted_at) if application.submitted_at else None,
        "funding": [
            (_("Montant demandé au FORIM"), application.amount_requested),
            (_("Fonds propres"), application.own_funds),
            (_("Contributions en nature valorisées"), application.in_kind),
            (_("Apports des partenaires locaux"), application.local_partner_funds),
            (_("Autres financeurs"), application.other_funders),
        ],
    }


def documents_list(application):
    """(type label, file name) of the pieces attached to the dossier, then those reused from the vault."""
    rows = [(document_label(doc.doc_type), doc.display_name) for doc in application.documents.select_related("vault_document")]
    attached = {doc.doc_type for doc in application.documents.all()}
    for doc_type, document in current_documents(application.organisation).items():
        if doc_type in application.call.required_documents and doc_type not in attached:
            rows.append((document_label(doc_type), _("%(name)s (coffre-fort de l'association)") % {"name": document.original_name or document}))
    return rows


def render_receipt(application, progress=None, variant=""):
    """The receipt in the active language: the reader's (documents.services.job_language, outbox.mail)."""
    content = render_pdf("grants/pdf/receipt.html", receipt_context(application))
    return f"accuse-de-depot-{application.reference or application.pk}.pdf", content


def check_receipt(application):
    from forim_portal.errors import DomainError

    if not application.reference:
        raise DomainError(_("L'accusé de dépôt existe une fois le dossier déposé."), code="not_submitted")
