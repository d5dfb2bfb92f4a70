"""A dossier's files as a reader sees them: its attachments and its association's current vault
documents, labelled in French, each opened in the browser (PDF and images) or downloaded.

Who may open which file is access.visibility (application_documents, dossier_vault_documents);
this module only lists what those allow and says when an anonymous review hides the rest.
"""

from dataclasses import dataclass

from django.urls import reverse

from access import visibility
from forim_portal.uploads import serve_file
from members.selectors import current_documents

from .eligibility import document_label

# Files a browser shows itself; the uploads check their first bytes (forim_portal.uploads.sniff), so
# nothing else (office files) is ever served inline.
INLINE_EXTENSIONS = (".pdf", ".png", ".jpg", ".jpeg")
DOWNLOAD = "telecharger"  # ?telecharger=1 asks for the file as a download


@dataclass(frozen=True)
class Attachment:
    label: str
    name: str
    url: str
    from_vault: bool
    opens_inline: bool

    @property
    def download_url(self):
        return f"{self.url}?{DOWNLOAD}=1"


def opens_inline(filename):
    return (filename or "").lower().endswith(INLINE_EXTENSIONS)


def open_file(request, fieldfile, filename):
    """Serve a file already checked by the caller: shown in the browser when it can, else downloaded."""
    inline = opens_inline(fieldfile.name) and not request.GET.get(DOWNLOAD)
    response = serve_file(fieldfile, filename=filename, inline=inline)
    if inline:  # a file shown on its own: nothing but itself (the PDF viewer is an embedded object)
        response["Content-Security-Policy"] = (
            "default-src 'none'; img-src 'self'; object-src 'self'; style-src 'unsafe-inline'"
        )
    return response


def dossier_files(user, application, *, private=None):
    """(attachments the user may open, sorted by label; True when an anonymous review hides others).

    `private`: whether the user sees this private dossier (`visibility.applications(user)`), when the caller
    already knows it (a page that found the dossier in that queryset); None asks. A reader of the private
    dossier opens every file of it (the first branch of the rule on files), so nothing more is filtered."""
    if private is None:
        private = visibility.can_see(visibility.applications(user), application)
    if private:
        attached = list(application.documents.select_related("vault_document"))
        attached_types = {doc.doc_type for doc in attached}
    else:
        attached = list(
            visibility.application_documents(user).filter(application=application).select_related("vault_document")
        )
        attached_types = set(application.documents.values_list("doc_type", flat=True))
    vault = {
        doc.pk: doc
        for doc in current_documents(application.organisation_id).values()
        if doc.doc_type not in attached_types
    }
    vault_open = set(vault) if private else set(
        visibility.dossier_vault_documents(user, application).filter(pk__in=vault).values_list("pk", flat=True)
    )
    files = [
        Attachment(
            document_label(doc.doc_type),
            doc.display_name,
            reverse("grants:document_download", args=[application.pk, doc.pk]),
            False,
            opens_inline(doc.stored_file.name),
        )
        for doc in attached
    ] + [
        Attachment(
            document_label(doc.doc_type),
            doc.original_name or str(doc),
            reverse("grants:vault_document", args=[application.pk, doc.pk]),
            True,
            opens_inline(doc.file.name),
        )
        for pk, doc in vault.items()
        if pk in vault_open
    ]
    # a reviewer of an anonymous call (not otherwise allowed the private dossier) gets project files only
    masked = application.call.anonymous_review and not private
    return sorted(files, key=lambda f: (str(f.label), f.name)), masked
