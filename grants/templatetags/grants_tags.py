"""Template helpers of the grants app: amounts in French, the message thread of a dossier."""

from django import template

from grants.eligibility import euros as format_euros
from members.countries import country_name

register = template.Library()


@register.filter
def euros(value):
    return "" if value in (None, "") else format_euros(value)


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
