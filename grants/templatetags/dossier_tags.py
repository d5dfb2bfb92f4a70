"""Tags of the whole-application include (grants/includes/application_full.html)."""

from django import template

from grants.selectors import dossier_files as files_box

register = template.Library()


@register.simple_tag(takes_context=True)
def dossier_files(context, application):
    """{% dossier_files application as files %}: files.list (what the reader may open) and files.masked
    (an anonymous review hides the administrative documents from this reader)."""
    request = context.get("request")
    return files_box(getattr(request, "user", None), application)


@register.filter
def document_kind_label(code):
    """A generated document's kind in French ("Convention", "Diplôme de lauréat"), not its code."""
    from documents.registry import all_kinds

    kind = all_kinds().get(code)
    return kind.label if kind else code
