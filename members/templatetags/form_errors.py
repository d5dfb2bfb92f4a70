"""The error summary's list (`templates/includes/error_summary.html`): every error of the given forms, in the
order the fields show, each with the id of the field it links to."""

from django import template
from django.forms.forms import NON_FIELD_ERRORS

register = template.Library()


def _forms(things):
    """Forms from what a template hands over: forms, formsets, lists of them; missing ones skipped."""
    for thing in things:
        if not thing or isinstance(thing, str):
            continue
        if isinstance(thing, (list, tuple)):
            yield from _forms(thing)
        elif hasattr(thing, "forms") and hasattr(thing, "management_form"):  # a formset
            yield thing
            yield from _forms(thing.forms)
        else:
            yield thing


def _item(field, message):
    label = str(field.label or "")
    text = str(message)
    shown = text if not label or label.lower() in text.lower() else f"{label} : {text}"
    return {"anchor": field.id_for_label or field.auto_id, "message": shown}


@register.simple_tag
def error_items(*things):
    """[{anchor, message}] for the errors of bound forms only: an untouched form shows none."""
    items = []
    for form in _forms(things):
        if not getattr(form, "is_bound", False):
            continue
        if hasattr(form, "non_form_errors"):
            items += [{"anchor": "", "message": str(message)} for message in form.non_form_errors()]
            continue
        errors = form.errors
        items += [{"anchor": "", "message": str(message)} for message in errors.get(NON_FIELD_ERRORS, [])]
        for field in form:
            if field.errors:
                item = _item(field, field.errors[0])
                if field.is_hidden:  # nothing to focus: the message alone
                    item["anchor"] = ""
                items.append(item)
    return items
