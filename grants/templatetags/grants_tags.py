"""Template helpers of the grants app: amounts, the message thread of a dossier."""

from decimal import Decimal

from django import template

from forim_portal.formats.filters import euros
from forim_portal.rows import choice_labels
from members.countries import country_name

register = template.Library()
register.filter("euros", euros)  # the one amount filter (forim_portal.formats), also a builtin


@register.simple_tag
def thread_messages(application):
    from grants.selectors import thread

    return thread(application)


@register.simple_tag
def message_form():
    from grants.forms import MessageForm

    return MessageForm()


@register.filter
def step_label(code):
    from grants.steps import STEP_LABELS

    return STEP_LABELS.get(code, code)


@register.filter
def field_step(field):
    from grants.steps import step_of_field

    return step_of_field(field)


@register.filter
def country_label(country):
    """The country's French name (members.countries reads django-countries' French catalog)."""
    code = getattr(country, "code", country) or ""
    if not code:
        return ""
    return country_name(code)


@register.filter
def sector_label(code):
    from members.choices import Sector

    return Sector(code).label if code in Sector.values else code


@register.filter
def doc_label(doc_type):
    from grants.eligibility import document_label

    return document_label(doc_type)


@register.filter
def local_money(amount, currency):
    """{{ line.local_amount|local_money:line.currency }} → "1 000 000 XOF" (grants.currencies.format_local)."""
    from grants.currencies import format_local

    return format_local(amount, currency) or "—"


@register.simple_tag
def budget_figures(application):
    """{% budget_figures application as budget %}: the dossier's expense total in euros and in its currency, and the rate note."""
    from grants.currencies import budget_sentence, local_total
    from grants.models import BudgetCategory

    lines = list(application.budget_lines.all())
    categories = choice_labels(BudgetCategory.choices)  # once, not get_category_display a line
    for line in lines:
        line.category_label = categories.get(line.category, line.category)
    return {
        "lines": lines, "total": sum((line.amount for line in lines), Decimal("0.00")),
        "currency": application.budget_currency, "local_total": local_total(application, lines),
        "note": budget_sentence(application),
    }
