"""The dashboards' figures: one aggregate query per table, whatever the number of dossiers.

`scope_for(user)` is the set of dossiers a dashboard may count; every panel takes that
queryset, so the staff dashboard and the role dashboards share the same computations.
Awards (top-ups, reports) and support (accompaniment logs) are read lazily: a panel
whose app has nothing to offer yet is simply left out.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.apps import apps
from django.db.models import Avg, Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from access import visibility
from access.visibility import Purpose
from accounts.models import Role
from awards.selectors import overdue_reports
from forim_portal.money import half_up_cents
from grants.models import OperatorVisa
from grants.states import FUNDED_STATES, State
from members.choices import Region, Sector

FILED = ~Q(status__in=[State.DRAFT, State.WITHDRAWN])
FUNDED = Q(status__in=FUNDED_STATES)
DECIDED = Q(status__in=[*FUNDED_STATES, State.REJECTED])
ONE_DECIMAL = Decimal("0.1")


@dataclass
class Panel:
    """One figure of a dashboard: its table (columns, rows) and how to draw it."""

    key: str
    title: str
    description: str
    columns: list  # [(header, row key, kind)] kind: "text", "int", "money", "rate", "score"
    rows: list
    chart: str = "bar"  # "bar", "line", "map" or "" (table only)
    chart_value: str = ""
    chart_series: list = field(default_factory=list)  # line charts: [(name, row key)]


def rate(part, whole):
    """A percentage to one decimal, rounded half-up; None when there is nothing to divide.

    A display of a ratio (not an amount in euros), so not `half_up_cents`: one decimal is what the tables show.
    """
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def score(value):
    """A mean mark, rounded as the portal rounds every computed value (forim_portal.money)."""
    return None if value is None else half_up_cents(value)


# Who sees which dossiers on a dashboard -------------------------------------------------


def optional_model(app_label, model_name):
    try:
        return apps.get_model(app_label, model_name)
    except LookupError:
        return None


SCOPE_LABELS = {
    Role.OPERATOR: gettext_lazy("les associations que vous accompagnez"),
    Role.COORDINATOR: gettext_lazy("les associations de votre réseau"),
    Role.PARTNER: gettext_lazy("les projets que vous cofinancez"),
}


def scope_for(user):
    """(dossiers counted, French label of the scope) for a user's dashboard; None when it has none.

    The dossiers are `access.visibility.applications(user, Purpose.STATISTICS)`: figures only,
    never a dossier's page."""
    if visibility.is_staff(user):
        label = _("tout le programme")
    elif user.role in SCOPE_LABELS:
        label = str(SCOPE_LABELS[user.role])
    else:
        return None, ""
    return visibility.applications(user, Purpose.STATISTICS), label


# Panels -----------------------------------------------------------------------------------

AMOUNT_COLUMNS = [
    (gettext_lazy("Dossiers déposés"), "filed", "int"),
    (gettext_lazy("Lauréats"), "funded", "int"),
    (gettext_lazy("Montant demandé (€)"), "requested", "money"),
    (gettext_lazy("Montant attribué (€)"), "awarded", "money"),
]


def outcome_aggregates():
    return {
        "filed": Count("id", filter=FILED),
        "funded": Count("id", filter=FUNDED),
        "decided": Count("id", filter=DECIDED),
        "requested": Sum("amount_requested", filter=FILED),
        "awarded": Sum("awarded_amount", filter=FUNDED),
        "average_score": Avg("score", filter=FILED & Q(score__isnull=False)),
    }


def summary(applications):
    totals = applications.aggregate(**outcome_aggregates())
    for amount in ("requested", "awarded"):
        totals[amount] = totals[amount] or Decimal("0.00")
    totals["success_rate"] = rate(totals["funded"], totals["decided"])
    totals["average_score"] = score(totals["average_score"])
    return totals


def states_panel(applications, user=None):
    counts = dict(applications.values_list("status").annotate(n=Count("id")).order_by())
    rows = [{"label": label, "count": counts[value]} for value, label in State.choices if counts.get(value)]
    return Panel(
        "etats", _("Dossiers par état"), _("Nombre de dossiers dans chaque état du circuit."),
        [(_("État"), "label", "text"), (_("Dossiers"), "count", "int")], rows, chart_value="count",
    )


def _by_dimension(applications, field_name, labels):
    rows = []
    for row in applications.values(field_name).annotate(**outcome_aggregates()).filter(filed__gt=0).order_by("-requested"):
        code = row[field_name] or ""
        rows.append({**row, "code": code, "label": labels(code) if code else _("Non renseigné")})
    return rows


def countries_panel(applications, user=None):
    rows = _by_dimension(applications, "country", lambda code: countries.name(code) or code)
    return Panel(
        "pays", _("Montants par pays du projet"),
        _("Montants demandés (dossiers déposés) et attribués (lauréats) par pays d'intervention."),
        [(_("Pays"), "label", "text"), *AMOUNT_COLUMNS], rows, chart_value="requested",
    )


def map_panel(applications, user=None):
    rows = [row for row in _by_dimension(applications, "country", lambda code: f"{countries.name(code) or code} ({code})")
            if row["funded"] and row["code"]]
    rows.sort(key=lambda row: -row["funded"])
    return Panel(
        "carte", _("Carte des projets lauréats par pays d'intervention"),
        _("La surface de chaque cercle est proportionnelle au nombre de projets lauréats du pays."),
        [(_("Pays (code sur la carte)"), "label", "text"), (_("Lauréats"), "funded", "int"),
         (_("Montant attribué (€)"), "awarded", "money")],
        rows, chart="map", chart_value="funded",
    )


def sectors_panel(applications, user=None):
    labels = dict(Sector.choices)
    rows = _by_dimension(applications, "sector", lambda code: labels.get(code, code))
    return Panel(
        "secteurs", _("Montants par secteur"), _("Montants demandés et attribués par secteur du projet."),
        [(_("Secteur"), "label", "text"), *AMOUNT_COLUMNS], rows, chart_value="requested",
    )


def regions_panel(applications, user=None):
    labels = dict(Region.choices)
    rows = _by_dimension(applications, "organisation__region", lambda code: labels.get(code, code))
    return Panel(
        "regions", _("Montants par région de l'association"),
        _("Montants demandés et attribués selon la région française de l'association porteuse."),
        [(_("Région"), "label", "text"), *AMOUNT_COLUMNS], rows, chart_value="requested",
    )


def calls_panel(applications, user=None):
    rows = []
    queryset = applications.values("call_id", "call__title", "call__year").annotate(**outcome_aggregates())
    for row in queryset.order_by("-call__year", "call__title"):
        rows.append({
            **row, "label": row["call__title"], "year": row["call__year"],
            "success_rate": rate(row["funded"], row["decided"]), "average_score": score(row["average_score"]),
        })
    return Panel(
        "appels", _("Par appel à projets"),
        _("Taux de succès : lauréats ÷ dossiers décidés (lauréats et non retenus), arrondi au dixième."),
        [(_("Appel"), "label", "text"), (_("Année"), "year", "text"), *AMOUNT_COLUMNS,
         (_("Taux de succès (%)"), "success_rate", "rate"), (_("Note moyenne"), "average_score", "score")],
        rows, chart="",
    )


def years_panel(applications, user=None):
    rows = []
    for row in applications.values("call__year").annotate(**outcome_aggregates()).filter(filed__gt=0).order_by("call__year"):
        rows.append({
            **row, "label": row["call__year"], "success_rate": rate(row["funded"], row["decided"]),
            "average_score": score(row["average_score"]),
        })
    return Panel(
        "annees", _("Au fil des années"), _("Montants demandés et attribués, taux de succès et note moyenne par année d'appel."),
        [(_("Année"), "label", "text"), *AMOUNT_COLUMNS, (_("Taux de succès (%)"), "success_rate", "rate"),
         (_("Note moyenne"), "average_score", "score")],
        rows, chart="line",
        chart_series=[(_("Montant demandé (€)"), "requested"), (_("Montant attribué (€)"), "awarded")],
    )


def success_panel(applications, user=None):
    panel = years_panel(applications, user)
    return Panel(
        "reussite", _("Taux de succès par année"), _("Lauréats ÷ dossiers décidés, en %."),
        [(_("Année"), "label", "text"), (_("Lauréats"), "funded", "int"), (_("Dossiers décidés"), "decided", "int"),
         (_("Taux de succès (%)"), "success_rate", "rate"), (_("Note moyenne"), "average_score", "score")],
        panel.rows, chart="line", chart_series=[(_("Taux de succès (%)"), "success_rate")],
    )


def operators_panel(applications, user=None):
    """Operators' activity: dossiers accompanied and laureates among them, visas given, and (from
    the support app, when installed) accompaniment logs, hours and signed agreements."""
    operator = Coalesce("operator_id", "organisation__operator_id")
    name = Coalesce("operator__name", "organisation__operator__name")
    rows = {}

    def row_for(operator_id, operator_name):
        return rows.setdefault(operator_id, {"label": operator_name, "filed": 0, "funded": 0, "visas": 0,
                                             "logs": 0, "hours": None, "agreements": 0})

    for item in (applications.filter(FILED).annotate(operator_key=operator, operator_name=name)
                 .exclude(operator_key=None).values("operator_key", "operator_name")
                 .annotate(filed=Count("id"), funded=Count("id", filter=FUNDED)).order_by()):
        row_for(item["operator_key"], item["operator_name"]).update(filed=item["filed"], funded=item["funded"])
    for operator_id, operator_name, visas in (
        OperatorVisa.objects.filter(application__in=applications.values("pk"))
        .values_list("operator_id", "operator__name").annotate(n=Count("id")).order_by()
    ):
        row_for(operator_id, operator_name)["visas"] = visas
    columns = [(_("Opérateur d'appui"), "label", "text"), (_("Dossiers accompagnés"), "filed", "int"),
               (_("dont lauréats"), "funded", "int"), (_("Visas donnés"), "visas", "int")]
    support_log, agreement = optional_model("support", "SupportLog"), optional_model("support", "AccompanimentAgreement")
    if support_log is not None and agreement is not None:
        for item in support_log.objects.values("operator_id", "operator__name").annotate(
                n=Count("id"), total_hours=Sum("hours")).order_by():
            row_for(item["operator_id"], item["operator__name"]).update(logs=item["n"], hours=item["total_hours"])
        for operator_id, operator_name, signed in (
            agreement.objects.values_list("operator_id", "operator__name")
            .annotate(n=Count("association", distinct=True)).order_by()
        ):
            row_for(operator_id, operator_name)["agreements"] = signed
        columns += [(_("Associations sous convention"), "agreements", "int"),
                    (_("Actions d'accompagnement"), "logs", "int"), (_("Heures"), "hours", "score")]
    ordered = sorted(rows.values(), key=lambda row: (-row["filed"], -row["logs"], row["label"] or ""))
    return Panel("operateurs", _("Activité des opérateurs d'appui"),
                 _("Dossiers déposés accompagnés, lauréats parmi eux et visas donnés (selon l'appel choisi) ; "
                   "conventions, actions et heures d'accompagnement sur toute la période."),
                 columns, ordered, chart_value="filed")


# Awards (lazy) --------------------------------------------------------------------------


def top_ups_panel(applications, user=None):
    top_up = optional_model("awards", "TopUp")
    if top_up is None:
        return None
    top_ups = top_up.objects.filter(application__in=applications.values("pk"))
    if user is not None and not visibility.is_staff(user):
        # Outside FORIM, a partner sees its own top-ups only, never another partner's.
        top_ups = visibility.partner_top_ups(user, top_ups)
    rows = [
        {**row, "label": row["rule__partner__name"]}
        for row in top_ups
        .values("rule__partner__name").annotate(count=Count("application", distinct=True), total=Sum("amount"))
        .order_by("-total")
    ]
    return Panel("complements", _("Compléments de cofinancement par partenaire"),
                 _("Nombre de projets complétés et montant total des compléments retenus, par partenaire."),
                 [(_("Partenaire"), "label", "text"), (_("Projets"), "count", "int"), (_("Montant (€)"), "total", "money")],
                 rows, chart_value="total")


LATE_REPORTS_SHOWN = 100


def late_reports_panel(applications, user=None):
    rows = [
        {"label": report.application.reference or report.application.title, "organisation": report.application.organisation.name,
         "kind": report.get_kind_display(), "due": report.due_on}
        for report in overdue_reports(applications)[:LATE_REPORTS_SHOWN]
    ]
    return Panel("rapports-en-retard", _("Rapports en retard"),
                 _("Rapports dont l'échéance est passée et qui ne sont pas remis, les plus anciens d'abord (100 au plus)."),
                 [(_("Dossier"), "label", "text"), (_("Association"), "organisation", "text"), (_("Rapport"), "kind", "text"),
                  (_("Échéance"), "due", "date")], rows, chart="")


def builders_for(user, *, staff):
    """The panels of a dashboard: the whole set for FORIM; a partner sees no reports (they are private)."""
    if staff:
        return STAFF_PANELS
    if user.role == Role.PARTNER:
        return [build for build in ROLE_PANELS if build is not late_reports_panel]
    return ROLE_PANELS


STAFF_PANELS = [states_panel, years_panel, success_panel, calls_panel, map_panel, countries_panel, sectors_panel,
                regions_panel, top_ups_panel, late_reports_panel, operators_panel]
ROLE_PANELS = [states_panel, years_panel, map_panel, countries_panel, sectors_panel, top_ups_panel, late_reports_panel]
PANELS_BY_KEY = {
    "etats": states_panel, "annees": years_panel, "reussite": success_panel, "appels": calls_panel,
    "carte": map_panel, "pays": countries_panel, "secteurs": sectors_panel, "regions": regions_panel,
    "complements": top_ups_panel, "rapports-en-retard": late_reports_panel, "operateurs": operators_panel,
}


def panels(applications, builders, *, user):
    return [panel for panel in (build(applications, user) for build in builders) if panel is not None]


# Public laureates -----------------------------------------------------------------------


def laureates():
    """Funded projects of calls whose deadline has passed, whose association agreed to be shown."""
    return (
        visibility.applications(None, Purpose.PUBLIC)
        .select_related("call", "organisation")
        .order_by("-call__year", "organisation__name", "title")
    )
