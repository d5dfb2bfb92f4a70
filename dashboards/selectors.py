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
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from accounts.models import Role
from grants.models import Application, OperatorVisa
from grants.states import FUNDED_STATES, State
from members.choices import Region, Sector
from members.models import NetworkLink, OrganisationKind
from members.rules import active_link_q, coordinated_network_ids, organisation_ids

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
    """A percentage to one decimal, rounded half-up; None when there is nothing to divide."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def score(value):
    return None if value is None else Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# Who sees which dossiers on a dashboard -------------------------------------------------


def optional_model(app_label, model_name):
    try:
        return apps.get_model(app_label, model_name)
    except LookupError:
        return None


def partner_application_ids(user):
    """Dossiers a partner cofinances: those with a top-up of one of its organisations."""
    top_up = optional_model("awards", "TopUp")
    partners = organisation_ids(user, kinds=[OrganisationKind.PARTNER])
    if top_up is None or not partners:
        return Application.objects.none().values("pk")
    return top_up.objects.filter(**{f"{top_up_partner_path(top_up)}__in": partners}).values(top_up_application_path(top_up))


def scope_for(user):
    """(dossiers counted, French label of the scope) for a user's dashboard; None when it has none."""
    if user.is_forim_staff:
        return Application.objects.all(), _("tout le programme")
    if user.role == Role.OPERATOR:
        operators = organisation_ids(user, kinds=[OrganisationKind.OPERATOR])
        scope = Q(operator_id__in=operators) | Q(operator__isnull=True, organisation__operator_id__in=operators)
        return Application.objects.filter(scope), _("les associations que vous accompagnez")
    if user.role == Role.COORDINATOR:
        networks = coordinated_network_ids(user)
        members = NetworkLink.objects.filter(active_link_q(), network_id__in=networks).values("member_id")
        return Application.objects.filter(Q(organisation_id__in=members) | Q(organisation_id__in=networks)), _(
            "les associations de votre réseau"
        )
    if user.role == Role.PARTNER:
        return Application.objects.filter(pk__in=partner_application_ids(user)), _("les projets que vous cofinancez")
    return None, ""


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
    totals["success_rate"] = rate(totals["funded"], totals["decided"])
    totals["average_score"] = score(totals["average_score"])
    return totals


def states_panel(applications):
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


def countries_panel(applications):
    rows = _by_dimension(applications, "country", lambda code: countries.name(code) or code)
    return Panel(
        "pays", _("Montants par pays du projet"),
        _("Montants demandés (dossiers déposés) et attribués (lauréats) par pays d'intervention."),
        [(_("Pays"), "label", "text"), *AMOUNT_COLUMNS], rows, chart_value="requested",
    )


def map_panel(applications):
    rows = [row for row in _by_dimension(applications, "country", lambda code: countries.name(code) or code) if row["funded"]]
    rows.sort(key=lambda row: -row["funded"])
    return Panel(
        "carte", _("Carte des projets lauréats par pays d'intervention"),
        _("La surface de chaque cercle est proportionnelle au nombre de projets lauréats du pays."),
        [(_("Pays"), "label", "text"), (_("Code"), "code", "text"), (_("Lauréats"), "funded", "int"),
         (_("Montant attribué (€)"), "awarded", "money")],
        rows, chart="map", chart_value="funded",
    )


def sectors_panel(applications):
    labels = dict(Sector.choices)
    rows = _by_dimension(applications, "sector", lambda code: labels.get(code, code))
    return Panel(
        "secteurs", _("Montants par secteur"), _("Montants demandés et attribués par secteur du projet."),
        [(_("Secteur"), "label", "text"), *AMOUNT_COLUMNS], rows, chart_value="requested",
    )


def regions_panel(applications):
    labels = dict(Region.choices)
    rows = _by_dimension(applications, "organisation__region", lambda code: labels.get(code, code))
    return Panel(
        "regions", _("Montants par région de l'association"),
        _("Montants demandés et attribués selon la région française de l'association porteuse."),
        [(_("Région"), "label", "text"), *AMOUNT_COLUMNS], rows, chart_value="requested",
    )


def calls_panel(applications):
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


def years_panel(applications):
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


def success_panel(applications):
    panel = years_panel(applications)
    return Panel(
        "reussite", _("Taux de succès par année"), _("Lauréats ÷ dossiers décidés, en %."),
        [(_("Année"), "label", "text"), (_("Lauréats"), "funded", "int"), (_("Dossiers décidés"), "decided", "int"),
         (_("Taux de succès (%)"), "success_rate", "rate"), (_("Note moyenne"), "average_score", "score")],
        panel.rows, chart="line", chart_series=[(_("Taux de succès (%)"), "success_rate")],
    )


def operators_panel(applications):
    """Operators' activity: dossiers accompanied and laureates among them, visas given."""
    operator = Coalesce("operator_id", "organisation__operator_id")
    name = Coalesce("operator__name", "organisation__operator__name")
    rows = {
        row["operator_key"]: {**row, "label": row["operator_name"], "visas": 0}
        for row in applications.filter(FILED).annotate(operator_key=operator, operator_name=name)
        .exclude(operator_key=None).values("operator_key", "operator_name")
        .annotate(filed=Count("id"), funded=Count("id", filter=FUNDED)).order_by()
    }
    for operator_id, visas in (
        OperatorVisa.objects.filter(application__in=applications.values("pk"), operator_id__in=list(rows))
        .values_list("operator_id").annotate(n=Count("id")).order_by()
    ):
        rows[operator_id]["visas"] = visas
    log = optional_model("support", "AccompanimentLog")
    columns = [(_("Opérateur d'appui"), "label", "text"), (_("Dossiers accompagnés"), "filed", "int"),
               (_("dont lauréats"), "funded", "int"), (_("Visas donnés"), "visas", "int")]
    if log is not None and rows:
        operator_field = next((f.name for f in log._meta.fields if f.name in ("operator", "organisation")), None)
        if operator_field:
            for operator_id, entries in (
                log.objects.filter(**{f"{operator_field}_id__in": list(rows)})
                .values_list(f"{operator_field}_id").annotate(n=Count("id")).order_by()
            ):
                rows[operator_id]["logs"] = entries
            columns.append((_("Actions d'accompagnement"), "logs", "int"))
    ordered = sorted(rows.values(), key=lambda row: (-row["filed"], row["label"] or ""))
    return Panel("operateurs", _("Activité des opérateurs d'appui"),
                 _("Dossiers déposés accompagnés par chaque opérateur, lauréats parmi eux, visas donnés."),
                 columns, ordered, chart_value="filed")


# Awards (lazy) --------------------------------------------------------------------------


def _fk_path(model, target):
    """The lookup path from `model` to `target`: a direct foreign key, or one hop through another."""
    for model_field in model._meta.fields:
        if model_field.is_relation and model_field.related_model is target:
            return model_field.name
    for model_field in model._meta.fields:
        if model_field.is_relation and model_field.related_model is not None:
            for hop in model_field.related_model._meta.fields:
                if hop.is_relation and hop.related_model is target:
                    return f"{model_field.name}__{hop.name}"
    return None


def top_up_application_path(top_up):
    return _fk_path(top_up, Application)


def top_up_partner_path(top_up):
    from members.models import Organisation

    return _fk_path(top_up, Organisation)


def top_ups_panel(applications):
    top_up = optional_model("awards", "TopUp")
    if top_up is None:
        return None
    application_path, partner_path = top_up_application_path(top_up), top_up_partner_path(top_up)
    amount = next((f.name for f in top_up._meta.fields if f.get_internal_type() == "DecimalField"), None)
    if not (application_path and partner_path and amount):
        return None
    rows = [
        {**row, "label": row[f"{partner_path}__name"]}
        for row in top_up.objects.filter(**{f"{application_path}__in": applications.values("pk")})
        .values(f"{partner_path}__name").annotate(count=Count("id"), total=Sum(amount)).order_by("-total")
    ]
    return Panel("complements", _("Compléments de cofinancement par partenaire"),
                 _("Nombre de projets complétés et montant total des compléments, par partenaire."),
                 [(_("Partenaire"), "label", "text"), (_("Projets"), "count", "int"), (_("Montant (€)"), "total", "money")],
                 rows, chart_value="total")


def late_reports_panel(applications):
    report = optional_model("awards", "Report")
    if report is None:
        return None
    names = {f.name for f in report._meta.fields}
    due = next((name for name in ("due_on", "due_date", "due_at", "deadline") if name in names), None)
    done = next((name for name in ("submitted_at", "received_at", "submitted_on") if name in names), None)
    application_path = _fk_path(report, Application)
    if not (due and done and application_path):
        return None
    late = report.objects.filter(
        **{f"{application_path}__in": applications.values("pk"), f"{done}__isnull": True, f"{due}__lt": timezone.now()}
    )
    rows = [
        {**row, "label": row[f"{application_path}__reference"] or row[f"{application_path}__title"]}
        for row in late.values(f"{application_path}__reference", f"{application_path}__title",
                               f"{application_path}__organisation__name", due).order_by(due)[:100]
    ]
    for row in rows:
        row["organisation"] = row[f"{application_path}__organisation__name"]
        row["due"] = row[due]
    return Panel("rapports-en-retard", _("Rapports en retard"),
                 _("Rapports attendus dont l'échéance est passée et qui ne sont pas rendus (100 au plus)."),
                 [(_("Dossier"), "label", "text"), (_("Association"), "organisation", "text"),
                  (_("Échéance"), "due", "date")], rows, chart="")


STAFF_PANELS = [states_panel, years_panel, success_panel, calls_panel, map_panel, countries_panel, sectors_panel,
                regions_panel, top_ups_panel, late_reports_panel, operators_panel]
ROLE_PANELS = [states_panel, years_panel, map_panel, countries_panel, sectors_panel, top_ups_panel, late_reports_panel]
PANELS_BY_KEY = {
    "etats": states_panel, "annees": years_panel, "reussite": success_panel, "appels": calls_panel,
    "carte": map_panel, "pays": countries_panel, "secteurs": sectors_panel, "regions": regions_panel,
    "complements": top_ups_panel, "rapports-en-retard": late_reports_panel, "operateurs": operators_panel,
}


def panels(applications, builders):
    return [panel for panel in (build(applications) for build in builders) if panel is not None]


# Public laureates -----------------------------------------------------------------------


def laureates():
    """Funded projects of calls whose deadline has passed, whose association agreed to be shown."""
    return (
        Application.objects.filter(FUNDED, publish_consent=True, call__deadline__lt=timezone.now())
        .select_related("call", "organisation")
        .order_by("-call__year", "organisation__name", "title")
    )
