"""Formatting of the dashboards' table cells."""

from django import template
from django.utils.formats import date_format

from dashboards.charts import fmt

register = template.Library()

# "euros": a rounded amount for headline figures; "money": to the cent, in tables.
DECIMALS = {"int": 0, "euros": 0, "money": 2, "rate": 1, "score": 2}


@register.filter
def cell(row, key):
    return row.get(key)


@register.filter
def figure(value, kind):
    """A number in French notation with the decimals its kind calls for; a dash when missing."""
    if kind == "date":
        return date_format(value, "SHORT_DATE_FORMAT") if value else "—"
    if kind in DECIMALS:
        return fmt(value, DECIMALS[kind]) if value is not None else "—"
    return "—" if value in (None, "") else value
