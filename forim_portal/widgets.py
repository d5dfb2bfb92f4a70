"""Widgets shared by the apps' forms: plain controls that our own script (`static/js/forms.js`) enhances.

Without JavaScript each one is the ordinary HTML control and works as such; the script only adds to it.
"""

import copy
import json

from django import forms
from django.forms.models import ModelChoiceIterator
from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import get_language
from django.utils.translation import gettext as _


def _picker_texts(*, multiple):
    """The picker's words in the active language, handed to the script (it holds no text of its own)."""
    return {
        "multiple": multiple,
        "filter": _("Rechercher un pays"),
        "hint": _("Tapez les premières lettres d'un pays, puis cochez-le. Vos choix s'affichent au-dessus.")
        if multiple
        else _("Tapez les premières lettres d'un pays, puis choisissez-le."),
        "chosen": _("Pays choisis"),
        "none_chosen": _("Aucun pays choisi."),
        "remove": _("Retirer %s"),
        "matches": _("%s pays correspondent."),
        "one_match": _("1 pays correspond."),
        "no_match": _("Aucun pays ne correspond."),
    }


class _PickerMixin:
    """Marks the select for the searchable picker; the texts are read at render time, in the page's language."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-country-picker"] = json.dumps(
            _picker_texts(multiple=self.allow_multiple_selected), ensure_ascii=False
        )
        return context


class CountryPicker(_PickerMixin, forms.SelectMultiple):
    """Several countries: a multi-select that the script turns into a filter box, a list of checkboxes and
    removable chips. The select stays the form's control, so what is stored shows selected with or without
    the script."""

    def __init__(self, attrs=None, choices=()):
        super().__init__({"size": 8, **(attrs or {})}, choices)


class CountrySelect(_PickerMixin, forms.Select):
    """One country: the same picker with a single choice."""


class QuickSelect(forms.Select):
    """A select written in Python instead of one template per option, for the filter forms of the big lists.

    Django's widget templates cost about 0.15 ms per option: the 250 countries took some 40 ms per page
    (issue 15); this writes them in about 3 ms, the same HTML. Given `cache_as` (a name for a fixed list:
    the countries, the sectors, the sorts), the escaped options are kept per language and a later page only
    marks the chosen one, without reading the choices again. Never give `cache_as` to choices read from
    the database (those are written afresh on every page)."""

    _cache = {}

    def __init__(self, attrs=None, choices=(), *, cache_as=None):
        super().__init__(attrs, choices)
        self.cache_as = cache_as

    def _write_options(self):
        """[(the value as text or None for an optgroup tag, the HTML before `selected`, the HTML after)]."""
        options = []
        for value, label in _read_at_once(self.choices):
            if isinstance(label, (list, tuple)):
                options.append((None, format_html('<optgroup label="{}">', value), ""))
                options.extend(_option(str(v) if v is not None else "", text) for v, text in label)
                options.append((None, "</optgroup>", ""))
            else:
                options.append(_option(str(value) if value is not None else "", label))
        return options

    def _options(self):
        if self.cache_as is None:
            return self._write_options()
        key = (self.cache_as, get_language())
        if key not in self._cache:
            self._cache[key] = self._write_options()
        return self._cache[key]

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            attrs["multiple"] = True
        chosen = set(self.format_value(value))
        parts, has_selected = [format_html('<select name="{}"{}>', name, _attributes(attrs))], False
        for text, opening, closing in self._options():
            selected = text is not None and text in chosen and (self.allow_multiple_selected or not has_selected)
            has_selected = has_selected or selected
            parts.append(f"{opening}{' selected' if selected else ''}{closing}")
        parts.append("</select>")
        return mark_safe("\n".join(parts))  # every value and label was escaped by format_html


class QuickSelectMultiple(QuickSelect, forms.SelectMultiple):
    """Several choices: the same quick select, with `multiple`."""


class QuickNumberInput(forms.NumberInput):
    """Django's number input: `FormRenderer` writes it in Python (issue 15), as every input of the portal."""


class _Rows(list):
    """A queryset's rows read in one query, handed to a ModelChoiceIterator instead of the queryset: it would
    read them through a server-side cursor on PostgreSQL (three round trips for a few dozen rows)."""

    _prefetch_related_lookups = ()

    def iterator(self):
        return iter(self)


def _read_at_once(choices):
    if not isinstance(choices, ModelChoiceIterator):
        return choices
    listed = copy.copy(choices)
    listed.queryset = _Rows(choices.queryset)
    return listed


def _attributes(attrs):
    """` name="value"` pairs in the widget's order, `name` alone when True, nothing when False or None
    (as Django's attrs.html writes them)."""
    return format_html_join(
        "", "{}", ((format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
                   for name, value in attrs.items() if value is not False and value is not None)
    )


def _option(value, label):
    return value, format_html('<option value="{}"', value), format_html(">{}</option>", label)


class FormRenderer(DjangoTemplates):
    """Django's form templates, except for the common widgets (selects, radio buttons, checkboxes, text and
    number inputs, text areas), written here in Python: the same markup, byte for byte.

    Through the templates each option costs about 0.15 ms (an include, then attrs.html); the project
    step's country list alone took a third of that page (issue 15, the deadline hour), and each input is
    three included files. Every form of the portal and the admin renders through this
    (settings.FORM_RENDERER). Other widgets (files already stored, multi-widgets), a widget with its own
    template and a choice widget whose options use another template keep the templates."""

    def render(self, template_name, context, request=None):
        write, widget = _WRITTEN.get(template_name), context.get("widget")
        if write is None or widget is None or not _standard_options(template_name, widget):
            return super().render(template_name, context, request)
        return write(widget)


def _standard_options(template_name, widget):
    """A choice widget's options all use Django's option template (or the widget has none)."""
    option_template_name = _OPTION_TEMPLATES.get(template_name)
    return option_template_name is None or all(
        option["template_name"] == option_template_name for _name, group, _index in widget["optgroups"] for option in group
    )


def _select_markup(widget):
    """What select.html, select_option.html and attrs.html write, whitespace included (an option is an
    included file: its final newline with it). Plain f-strings of escaped parts: format_html per option
    cost a third of the saving."""
    parts = [f'<select name="{_shown(widget["name"])}"{_template_attributes(widget["attrs"])}>']
    for group_name, group, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_shown(group_name)}">')
        parts.extend(
            f'\n  <option value="{conditional_escape(str(option["value"]))}"'
            f'{_template_attributes(option["attrs"]) if option["attrs"] else ""}>{_shown(option["label"])}</option>\n'
            for option in group
        )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))  # every name, value, label and attribute escaped here


def _choices_markup(widget):
    """multiple_input.html (radio buttons, checkboxes), each option through radio_option.html or
    checkbox_option.html, input_option.html and input.html: every included file brings its final newline."""
    attrs = widget["attrs"]
    parts = [f'<div{f' id="{_shown(attrs["id"])}"' if attrs.get("id") else ""}'
             f'{f' class="{_shown(attrs["class"])}"' if attrs.get("class") else ""}>']
    for group_name, group, _index in widget["optgroups"]:
        if group_name:
            parts.append(f"\n  <div><label>{_shown(group_name)}</label>")
        parts.extend(f"<div>\n    {_input_option_markup(option)}\n</div>" for option in group)
        if group_name:
            parts.append("\n  </div>")
    parts.append("\n</div>")
    return mark_safe("".join(parts))  # every name, value, label and attribute escaped here


def _input_option_markup(option):
    markup = _input_markup(option)
    if option["wrap_label"]:
        opening = f'<label for="{_shown(option["attrs"]["id"])}">' if option["attrs"].get("id") else "<label>"
        markup = f"{opening}{markup} {_shown(option['label'])}</label>"
    return f"{markup}\n"


def _input_markup(widget):
    value = "" if widget["value"] is None else f' value="{conditional_escape(str(widget["value"]))}"'
    return f'<input type="{_shown(widget["type"])}" name="{_shown(widget["name"])}"{value}{_template_attributes(widget["attrs"])}>\n'


def _single_input_markup(widget):
    """text.html, email.html, date.html… (each one include of input.html), as the renderer strips them."""
    return mark_safe(_input_markup(widget).rstrip("\n"))  # every part escaped by _input_markup


def _textarea_markup(widget):
    value = _shown(widget["value"]) if widget["value"] else ""
    return mark_safe(f'<textarea name="{_shown(widget["name"])}"{_template_attributes(widget["attrs"])}>\n{value}</textarea>')


# The widget templates written here, each by its function; a choice widget's only when its options use Django's
# option template (_OPTION_TEMPLATES).
_CHOICES = (forms.Select, forms.RadioSelect, forms.CheckboxSelectMultiple)
_OPTION_TEMPLATES = {widget.template_name: widget.option_template_name for widget in _CHOICES}
_WRITTEN = {
    forms.Select.template_name: _select_markup,
    forms.RadioSelect.template_name: _choices_markup,
    forms.CheckboxSelectMultiple.template_name: _choices_markup,
    forms.Textarea.template_name: _textarea_markup,
    **{widget.template_name: _single_input_markup for widget in (
        forms.TextInput, forms.EmailInput, forms.URLInput, forms.NumberInput, forms.PasswordInput, forms.HiddenInput,
        forms.DateInput, forms.DateTimeInput, forms.TimeInput, forms.CheckboxInput, forms.ColorInput, forms.SearchInput,
        forms.TelInput, forms.FileInput,
    )},
}


def _shown(value):
    """`{{ value }}`: localised (a year, an amount) and escaped unless safe, as the template engine writes it."""
    if type(value) is not str:
        value = localize(template_localtime(value))
        value = value if isinstance(value, str) else str(value)
    return conditional_escape(value)


def _template_attributes(attrs):
    """attrs.html: ` name="value"`, `name` alone when True, nothing when False (None is written, as there)."""
    return format_html_join(
        "", "{}", ((format_html(" {}", name) if value is True else format_html(' {}="{}"', name, str(value)),)
                   for name, value in attrs.items() if value is not False)
    )
