"""The empty forms of the dossier pages (a note, a rule to lift), written once per language.

`{% empty_form form %}` is `{% include "includes/form.html" %}` for a form whose fields, labels and choices
are fixed in code: unbound and without initial values it is the same HTML on every page of a language, so it
is written once per language and kept (Django's widget templates cost about 1 ms a form a page). A bound
form (a refused post shows what was typed and why) is written afresh. Never for a form whose choices are
read from the database.
"""

from django import template
from django.template.loader import render_to_string
from django.utils.translation import get_language

register = template.Library()

_WRITTEN = {}


def _empty(form):
    return not form.is_bound and not form.initial and not any(field.initial for field in form.fields.values())


@register.simple_tag
def empty_form(form):
    if not _empty(form):
        return render_to_string("includes/form.html", {"form": form})
    key = (type(form), form.prefix, form.auto_id, get_language())
    if key not in _WRITTEN:
        _WRITTEN[key] = render_to_string("includes/form.html", {"form": form})
    return _WRITTEN[key]
