"""Amounts in the reader's language (forim_portal.formats): 15 000,00 € / €15,000.00."""

from django import template

from forim_portal.formats.filters import euros

register = template.Library()
register.filter("euros", euros)  # the one amount filter, also a builtin; kept for templates that load "awards"
