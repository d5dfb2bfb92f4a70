from django import template

from ..services import current_statement

register = template.Library()


@register.simple_tag
def statement_for(call, organisation):
    """The association's current statement on this call, or None (the call page's two-stage block)."""
    if organisation is None or not call.is_two_stage:
        return None
    return current_statement(call=call, organisation=organisation)
