"""Reads of the imported history for the public pages (laureates page and map).

The track record reads `PastProject.objects.unsettled(today)` (grants/track_record.py)."""

from django.db.models import Count, Q

from access import visibility
from access.visibility import Purpose

# What the public pages may show of a past project, and nothing else.
PUBLIC_FIELDS = ("reference", "year", "title", "organisation_name", "country", "sector", "amount_awarded")


def public_past_projects(*, q="", year=None, country="", sector=""):
    """Past projects for the laureates page, narrowed like its filter (text, year, country, sector)."""
    rows = (
        visibility.past_projects(None, Purpose.PUBLIC)
        .only(*PUBLIC_FIELDS)
        .order_by("-year", "organisation_name", "title")
    )
    q = (q or "").strip()[:100]
    if q:
        rows = rows.filter(Q(title__icontains=q) | Q(organisation_name__icontains=q))
    if year:
        rows = rows.filter(year=year)
    if country:
        rows = rows.filter(country=country)
    if sector:
        rows = rows.filter(sector=sector)
    return rows


def public_years():
    return set(visibility.past_projects(None, Purpose.PUBLIC).order_by().values_list("year", flat=True).distinct())


def public_countries():
    return set(visibility.past_projects(None, Purpose.PUBLIC).order_by().values_list("country", flat=True).distinct())


def counts_by_country(past_projects):
    """{country code: number of projects} of a past-projects queryset (one query)."""
    return dict(past_projects.order_by().values_list("country").annotate(n=Count("id")))
