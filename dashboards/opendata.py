"""The open-data side of the laureates page: the map (portal laureates and imported history), the
past projects' table, and the IATI download. The rows are the laureates page's own (its filter over
`access.visibility` PUBLIC), so the page, the CSV and the IATI file always agree."""

from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from history.selectors import counts_by_country, public_past_projects
from members.countries import country_name

from . import charts, iati

PAST_PER_PAGE = 50


def past_projects_for(filterset):
    """The imported past projects narrowed by the laureates filter (none when the filter is invalid)."""
    if not filterset.is_valid():
        return public_past_projects().none()
    data = filterset.form.cleaned_data
    return public_past_projects(
        q=data.get("q"), year=data.get("year"), country=data.get("country"), sector=data.get("sector")
    )


def map_rows(portal, history):
    """[(code, country name, portal laureates, past projects, total)], biggest first, from two {code: count}."""
    rows = [
        (
            code,
            country_name(code),
            portal.get(code, 0),
            history.get(code, 0),
            portal.get(code, 0) + history.get(code, 0),
        )
        for code in set(portal) | set(history)
        if code
    ]
    return sorted(rows, key=lambda row: (-row[4], row[1]))


def history_context(request, filterset, laureates):
    """The map (one count query per source, none when no criterion is given: the filter's counts are the
    map's) and the past projects' page (its total read from the same counts)."""
    past = past_projects_for(filterset)
    counts = filterset.unfiltered_counts()
    if counts is None:
        portal_counts, history_counts = counts_by_country(laureates), counts_by_country(past)
    else:
        portal_counts, history_counts = counts.by_country(counts.portal), counts.by_country(counts.history)
    rows = map_rows(portal_counts, history_counts)
    paginator = Paginator(past, PAST_PER_PAGE)
    paginator.count = sum(history_counts.values())  # every past project has a country: no second COUNT query
    return {
        "past_page": paginator.get_page(request.GET.get("historique")),
        "map_rows": rows,
        "map_svg": charts.world_map(
            [(code, name, total) for code, name, _portal, _past, total in rows],
            label=_("Carte des projets soutenus par pays d'intervention (lauréats du portail et historique)"),
        )
        if rows
        else "",
    }


def iati_response(laureates):
    """The IATI 2.03 file of these laureates, streamed; a French 404 when there is nothing to publish
    (an `iati-activities` file must hold at least one activity)."""
    if not laureates.exists():
        return HttpResponse(
            _("Aucun projet lauréat à publier pour ces critères."), status=404, content_type="text/plain; charset=utf-8"
        )
    response = StreamingHttpResponse(iati.stream(laureates), content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="forim-iati-activites-{timezone.localdate().isoformat()}.xml"'
    )
    return response
