"""Form fields shared by the apps' forms: what a browser shows must come back as what is stored."""

import datetime
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.timezone import is_aware, localtime
from django.utils.translation import gettext_lazy as _

from forim_portal.errors import DomainError
from forim_portal.money import parse_amount


class MinuteDateTimeField(forms.DateTimeField):
    """A date and time typed to the minute in a `datetime-local` input.

    A stored time may hold seconds (set by a service, an import, the API): left untouched on the page, the
    field counts as unchanged, and `keep_untouched` hands the stored value back instead of the rounded one.
    """

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M"]

    def has_changed(self, initial, data):
        if isinstance(initial, datetime.datetime):
            initial = (localtime(initial) if is_aware(initial) else initial).replace(second=0, microsecond=0)
        return super().has_changed(initial, data)


def keep_untouched(form):
    """Call from `clean()`: a field shown less precisely than stored keeps its stored value when not changed."""
    for name, field in form.fields.items():
        if isinstance(field, MinuteDateTimeField) and name in form.cleaned_data and name not in form.changed_data:
            form.cleaned_data[name] = form.initial.get(name, field.initial)
    return form.cleaned_data


class AmountField(forms.CharField):
    """An amount in euros typed on a page, read by `forim_portal.money.parse_amount` like every service reads
    one: "1 000,50", "1000.50", "15000"; sub-cent, negative, NaN and exponents refused in French."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def __init__(self, *, max_amount=None, **kwargs):
        super().__init__(**kwargs)  # no max_length: its validator would measure the Decimal; parse_amount bounds the text
        self.max_amount = max_amount

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            amount = parse_amount(value, field=None)
        except DomainError as refusal:
            raise ValidationError(refusal.message, code=refusal.code) from None
        if self.max_amount is not None and amount > self.max_amount:
            raise ValidationError(_("Ce montant est trop élevé : vérifiez-le."), code="max_value")
        return amount

    def prepare_value(self, value):
        return f"{value:.2f}".replace(".", ",") if isinstance(value, Decimal) else value


class CommaDecimalField(forms.DecimalField):
    """A number typed with a French comma ("2,5") or a point; spaces between thousands ignored.

    A text input with `inputmode="decimal"`: a `type="number"` input drops or misreads the comma in some
    browsers (an operator's "2,5" hours came back as 25)."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value):
        if isinstance(value, str):
            value = "".join(value.split()).replace(",", ".")
        return super().to_python(value)
