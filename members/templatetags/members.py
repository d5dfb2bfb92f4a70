"""Template helpers of the registry: French country names, status badges."""

from django import template

from members.countries import country_name
from members.models import OrganisationStatus

register = template.Library()


@register.filter
def countries_fr(values):
    """A CountryField (multiple) as French names, comma-separated."""
    return ", ".join(country_name(getattr(value, "code", value)) for value in values or [])


@register.filter
def status_badge(status):
    return {
        OrganisationStatus.VALIDATED: "badge-success",
        OrganisationStatus.PENDING: "badge-warning",
        OrganisationStatus.REJECTED: "badge-danger",
    }.get(status, "")
