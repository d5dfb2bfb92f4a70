"""Template filters for amounts, builtin in every template (settings TEMPLATES "builtins")."""

from django import template

from . import format_amount

register = template.Library()


@register.filter
def euros(value, decimals=2):
    """{{ amount|euros }} → "15 000,00 €" / "€15,000.00"; {{ amount|euros:0 }} for headline figures; "—" when missing."""
    return format_amount(value, decimals=int(decimals)) or "—"
