"""Amounts in the reader's language (forim_portal.formats): 15 000,00 € / €15,000.00; the follow-up list's rows."""

from html import escape

from django import template
from django.utils.formats import date_format
from django.utils.safestring import mark_safe

from forim_portal.formats.filters import euros

register = template.Library()
register.filter("euros", euros)  # the one amount filter, also a builtin; kept for templates that load "awards"

NONE = "—"
FOLLOW_UP_ROW = """<tr>
    <td><a href="{}">{}</a><br><span class="muted">{} · {}</span></td>
    <td><span class="badge">{}</span></td>
    <td class="num">{}</td><td class="num">{}</td><td class="num">{}</td>
    <td>{}</td></tr>"""


@register.simple_tag
def follow_up_rows(applications):
    """The follow-up table's rows (`awards.selectors.follow_up_page` and the view gave them their texts and links),
    written in Python: as template code, their lookups and filters were a quarter of the page's time (issue 15)."""
    return mark_safe("".join(_follow_up_row(a) for a in applications))  # every value escaped below


def _follow_up_row(a):
    """One row; each value is plain text (no `__html__`), escaped as Django's `escape` does (`format_html` asks
    every value whether it is already safe: twice the time over a page)."""
    values = (
        a.detail_url,
        a.title,
        a.organisation.acronym or a.organisation.name,
        a.reference or "",
        a.status_label,
        euros(a.awarded_amount),
        euros(a.paid_total),
        euros(a.top_up_total),
        date_format(a.next_report_due, "DATE_FORMAT") if a.next_report_due else NONE,
    )
    return FOLLOW_UP_ROW.format(*(escape(str(value)) for value in values))
