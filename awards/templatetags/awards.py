"""Money as French readers write it: 15 000,00 €."""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def euros(value):
    if value is None or value == "":
        return "—"
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return value
    return f"{amount:,.2f}".replace(",", "\u202f").replace(".", ",") + "\u00a0€"
