"""Tags for the call's rules on the pages: what a call accepts, and the rules lifted for a dossier."""

from django import template

from grants.countries import call_countries as _call_countries
from grants.eligibility import waiver_box

register = template.Library()


@register.simple_tag
def call_countries(call):
    """`{% call_countries call as eligible %}`: its eligible countries (grants.countries.call_countries)."""
    return _call_countries(call)


@register.simple_tag
def rule_waivers(application):
    """`{% rule_waivers application as box %}`: the liftable rules' results, the waivers, an empty form."""
    from grants.forms import RuleWaiverForm

    return waiver_box(application, RuleWaiverForm())
