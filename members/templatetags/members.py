"""Template helpers of the registry: French country names, status badges, the directory's rows."""

from html import escape

from django import template
from django.utils.safestring import mark_safe

from members.countries import country_name
from members.selectors import STATUS_BADGES

register = template.Library()


@register.filter
def countries_fr(values):
    """A CountryField (multiple) as French names, comma-separated."""
    return ", ".join(country_name(getattr(value, "code", value)) for value in values or [])


@register.filter
def status_badge(status):
    return STATUS_BADGES.get(status, "")


NONE = "—"
DIRECTORY_ROW = """
    <tr>
      <td><a href="{url}">{name}</a>{acronym}{rna}</td>
      <td>{kind}</td>
      <td><span class="badge {badge}">{status}</span></td>
      <td>{region}{city}</td>
      <td>{countries}</td>
      <td>{networks}</td>
      <td>{operator}</td>
    </tr>
  """


@register.simple_tag
def directory_rows(organisations):
    """The directory table's rows (`members.selectors.with_directory_texts` gave them their texts), written in
    Python: as template code, their dozen lookups a row were a third of the page's time (issue 15). Every value is
    escaped with `html.escape`, what Django's `escape` does without its lazy-text wrapper (half the cost here)."""
    return mark_safe("".join(_directory_row(o) for o in organisations))


def _directory_row(o):
    return DIRECTORY_ROW.format(
        url=escape(o.detail_url),
        name=escape(o.name),
        acronym=f' <span class="muted">({escape(o.acronym)})</span>' if o.acronym else "",
        rna=f'<br><span class="muted">{escape(o.rna)}</span>' if o.rna else "",
        kind=escape(o.kind_label),
        badge=o.status_badge,
        status=escape(o.status_label),
        region=escape(o.region_label or NONE),
        city=f'<br><span class="muted">{escape(o.city)}</span>' if o.city else "",
        countries=escape(o.countries_label or NONE),
        networks=escape(o.networks_label or NONE),
        operator=escape(o.operator_label or NONE),
    )
