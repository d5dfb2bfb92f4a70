"""Staff dashboard, role dashboards (operator, coordinator, partner) and the public laureates page."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django_countries import countries

from access.permissions import check_staff
from forim_portal.exports import csv_bytes, export_response
from members.choices import Sector

from . import cache as dashboard_cache
from . import charts, opendata
from .filters import DashboardFilterForm, LaureateFilter
from .selectors import PANELS_BY_KEY, builders_for, laureates, panels, scope_for, summary

LAUREATES_PER_PAGE = 50


def _chart_for(panel):
    if not panel.rows:
        return ""
    label = f"{panel.title}. {panel.description}"
    if panel.chart == "bar":
        return charts.bar_chart([(row["label"], row[panel.chart_value]) for row in panel.rows[:15]], label=label)
    if panel.chart == "line":
        xs = [row["label"] for row in panel.rows]
        series = [(name, [row[key] for row in panel.rows]) for name, key in panel.chart_series]
        is_rate = panel.key == "reussite"
        return charts.line_chart(xs, series, label=label, decimals=1 if is_rate else 0, ceiling=100 if is_rate else None)
    if panel.chart == "map":
        return charts.world_map([(row["code"], row["label"], row[panel.chart_value]) for row in panel.rows], label=label)
    return ""


def _scope(request, *, staff):
    """The dossiers this dashboard counts, narrowed to a call when one is chosen."""
    user = request.user
    if staff:
        check_staff(user)
    applications, scope_label = scope_for(user)
    if applications is None:
        raise PermissionDenied(_("Aucun tableau de bord n'est prévu pour votre rôle."))
    form = DashboardFilterForm(request.GET or None)
    call = form.cleaned_data["call"] if form.is_valid() else None
    if call:
        applications = applications.filter(call=call)
    return applications, scope_label, form, call


def _settled(panel, csv_url):
    """The panel as the page shows it: chart drawn, table written to HTML, texts made plain strings
    (a lazy translation costs a class per string to unpickle from the cache; the key holds the language)."""
    panel.title, panel.description = str(panel.title), str(panel.description)
    panel.columns = [(str(header), key, kind) for header, key, kind in panel.columns]
    panel.chart_series = [(str(name), key) for name, key in panel.chart_series]
    panel.rows = [{key: str(value) if isinstance(value, Promise) else value for key, value in row.items()} for row in panel.rows]
    panel.svg = _chart_for(panel)
    panel.csv_url = csv_url
    panel.html = render_to_string("dashboards/_panel.html", {"panel": panel})
    return panel


def _figures(request, applications, call, *, staff):
    """The dashboard's panels (charts and tables drawn) and totals, from the cache while nothing changed."""
    user = request.user
    scope = ("programme",) if staff else ("role", user.pk, user.role)
    csv_name = "dashboards:staff_csv" if staff else "dashboards:mine_csv"
    query = f"?call={call.pk}" if call else ""

    def compute():
        built = panels(applications, builders_for(user, staff=staff), user=user)
        return {
            "panels": [_settled(panel, reverse(csv_name, args=[panel.key]) + query) for panel in built],
            "totals": summary(applications),
        }

    return dashboard_cache.figures((*scope, call.pk if call else "all"), compute)


def _dashboard(request, *, staff):
    applications, scope_label, form, call = _scope(request, staff=staff)
    figures = _figures(request, applications, call, staff=staff)
    return render(request, "dashboards/dashboard.html", {
        "panels": figures["panels"], "totals": figures["totals"], "form": form, "scope_label": scope_label,
        "staff": staff, "title": _("Tableau de bord du programme") if staff else _("Mes chiffres"),
    })


@login_required
def staff(request):
    return _dashboard(request, staff=True)


@login_required
def mine(request):
    return _dashboard(request, staff=False)


def _panel_csv(request, key, *, staff):
    applications, _scope_label, _form, call = _scope(request, staff=staff)
    builder = PANELS_BY_KEY.get(key)
    if builder is None or builder not in builders_for(request.user, staff=staff):
        raise Http404
    panel = next((panel for panel in _figures(request, applications, call, staff=staff)["panels"] if panel.key == key), None)
    if panel is None:
        raise Http404
    columns = [(header, (lambda row, k=row_key: row.get(k))) for header, row_key, _kind in panel.columns]
    return export_response(panel.rows, columns, filename=f"forim-{key}", fmt="csv")


@login_required
def staff_csv(request, key):
    return _panel_csv(request, key, staff=True)


@login_required
def mine_csv(request, key):
    return _panel_csv(request, key, staff=False)


SECTOR_LABELS = dict(Sector.choices)
LAUREATE_COLUMNS = [
    ("annee", lambda a: a.call.year),
    ("appel", lambda a: a.call.title),
    ("reference", "reference"),
    ("association", lambda a: a.organisation.name),
    ("sigle", lambda a: a.organisation.acronym),
    ("projet", "title"),
    ("pays_code", lambda a: a.country.code),
    ("pays", lambda a: countries.name(a.country.code) if a.country else ""),
    ("localite", "locality"),
    ("secteur_code", "sector"),
    ("secteur", lambda a: SECTOR_LABELS.get(a.sector, a.sector)),
]


# What a row of the public page shows (dashboards/laureates.html)
LAUREATE_PAGE_COLUMNS = (
    "title", "locality", "country", "sector", "call__year", "organisation__name", "organisation__acronym",
)


def laureates_page(request):
    """Public: no login. Only what associations agreed to show."""
    filterset = LaureateFilter(request.GET, queryset=laureates())
    rows = filterset.qs if filterset.is_valid() else laureates().none()
    paginator = Paginator(rows, LAUREATES_PER_PAGE)
    counts = filterset.unfiltered_counts()
    if counts is not None:  # no criterion: every laureate is counted in the filter's counts, no COUNT query
        paginator.count = sum(counts.portal.values())
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = list(page.object_list.only(*LAUREATE_PAGE_COLUMNS))
    for application in page.object_list:
        application.sector_label = SECTOR_LABELS.get(application.sector, "")
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("historique", None)  # the past projects' page number (dashboards/opendata.py)
    return render(request, "dashboards/laureates.html", {
        "filter": filterset, "page": page, "query": query.urlencode(),
        **opendata.history_context(request, filterset, rows),
    }, status=200 if filterset.is_valid() else 400)


def laureates_csv(request):
    """Open data: comma-separated UTF-8 (no BOM, header in plain ASCII names)."""
    filterset = LaureateFilter(request.GET, queryset=laureates())
    rows = filterset.qs if filterset.is_valid() else laureates().none()
    content = csv_bytes(rows, LAUREATE_COLUMNS, delimiter=",").removeprefix("\ufeff".encode())
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="forim-laureats-{timezone.localdate().isoformat()}.csv"'
    return response


def laureates_iati(request):
    """Open data: the same laureates as an IATI 2.03 activity file (dashboards/iati.py), streamed."""
    filterset = LaureateFilter(request.GET, queryset=laureates())
    if not filterset.is_valid():
        return HttpResponse(_("Critères invalides : %(errors)s") % {"errors": filterset.errors.as_text()}, status=400,
                            content_type="text/plain; charset=utf-8")
    return opendata.iati_response(filterset.qs)
