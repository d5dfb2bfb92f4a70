"""The call's rules, applied to a dossier: one result per rule, with a French message at the field.

Every rule reads its limits from the call (data FORIM staff edit), never from constants.
The same list feeds the live checks on each step, the submission and the staff admissibility
checklist.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from forim_portal.formats import format_amount, format_number
from forim_portal.money import exceeds_share, share_ceiling
from members.countries import country_name
from members.selectors import can_apply, current_documents

from .countries import call_countries
from .track_record import describe, unsettled_projects

# Rules FORIM staff may lift for one dossier, with a reason (grants.services.lift_rule)
LIFTABLE_RULES = {"track_record": _lazy("Projets précédents à jour")}


@dataclass
class RuleResult:
    code: str
    label: str
    ok: bool
    message: str
    field: str
    waiver: str = ""  # passed because FORIM staff lifted the rule for this dossier: who, when, why


def euros(amount):
    """An amount in the active language (forim_portal.formats.format_amount): 15 000,00 € / €15,000.00."""
    return format_amount(amount)


def grant_ceiling(call, total):
    """The largest grant (in cents) the call allows for this total: its maximum, and no more than its share of the total."""
    return min(call.max_grant, share_ceiling(total, call.max_grant_share))


def exceeds_call_rules(call, grant, total):
    """Whether `grant` is above the call's maximum or its maximal share of `total` (compared exactly, no rounding)."""
    return grant > call.max_grant or exceeds_share(grant, total, call.max_grant_share)


def budget_total(application):
    return sum((line.amount for line in application.budget_lines.all()), Decimal("0.00"))


def in_kind_total(application):
    """The in-kind contributions: the budget's lines « en nature », an expense and a resource of the same amount.

    The one source of the funding plan's `in_kind` figure (stored by grants.services._save_budget, never typed)."""
    return sum((line.amount for line in application.budget_lines.all() if line.category == "in_kind"), Decimal("0.00"))


def budget_balance(application):
    """(total of the expenses, total of the funding plan, balanced?): the one reading of « Budget équilibré »,
    for the rule below and for the totals box of the budget step. An empty budget is not balanced."""
    total = budget_total(application)
    funding = application.funding_total
    return total, funding, total > 0 and total == funding


def _can_apply(organisation):
    return can_apply(organisation)


def present_document_types(application):
    """Document types available for this dossier: uploaded to it or current in the vault."""
    types = {doc.doc_type for doc in application.documents.all()}
    return types | set(current_documents(application.organisation))


def document_label(doc_type):
    from members.models import DocumentType

    try:
        return str(DocumentType(doc_type).label)
    except ValueError:
        return doc_type


def country_label(code):
    return country_name(code)


def months_between(start, end):
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if end.day < start.day else months


def latest_visa(application):
    return application.visas.order_by("-created_at", "-id").first()


def _cached_rule_figures(application):
    """The two rule figures kept in Django's cache under the dashboards' version, read in one round trip: the
    project country's check (per call, country and language; a call or a country list saved bumps it) and, when
    the call asks for a clean track record, the association's unsettled earlier projects (three queries over
    reports, dossiers and imported history, per dossier and day; every write to those apps bumps it)."""
    from dashboards.cache import figures_many  # dashboards builds on grants: read when asked, never at load time

    call, country = application.call, application.country.code if application.country else ""
    organisation = application.organisation
    entries = {}
    if call.pk is not None:  # an unsaved call (a preview) is checked, never cached
        entries["country"] = (["country-check", call.pk, country], lambda: country_check_for(call, country))
    if call.track_record_required:
        entries["unsettled"] = (
            ["unsettled-projects", application.organisation_id, application.pk],
            lambda: unsettled_projects(organisation, today=timezone.localdate(), exclude=application.pk),
        )
    found = dict(zip(entries, figures_many(list(entries.values())), strict=True))
    if "country" not in found:
        found["country"] = country_check_for(call, country)
    return found


def country_check_for(call, country):
    """(ok, message) of a project country against the call: its own list, else the DAC list, minus its exclusions.
    The full dossier and the statement of intent (intents) both ask here."""
    if not country:
        return False, _("Choisissez le pays du projet.")
    eligible = call_countries(call)
    if country in eligible.codes:
        return True, ""
    if country in eligible.excluded:
        return False, _("%(country)s est exclu de cet appel : le projet ne peut pas y être déposé.") % {"country": country_label(country)}
    if eligible.country_list is None:
        return False, _("%(country)s ne fait pas partie des pays éligibles de cet appel.") % {"country": country_label(country)}
    return False, _(
        "Le pays du projet (%(country)s) ne figure pas sur la %(list)s (liste %(year)s) : le projet ne peut pas être déposé sur cet appel."
    ) % {"country": country_label(country), "list": lower_first(eligible.country_list.name), "year": eligible.country_list.year}


def lower_first(text):
    return text[:1].lower() + text[1:]


def waiver_of(application, rule):
    """The staff decision lifting `rule` for this dossier, if any."""
    if application.pk is None:
        return None
    return application.rule_waivers.filter(rule=rule).select_related("by").first()


def waiver_text(waiver):
    return _("Règle levée par %(who)s le %(date)s : %(reason)s") % {
        "who": waiver.by.get_full_name() or waiver.by.email,
        "date": formats.date_format(timezone.localtime(waiver.at), "SHORT_DATE_FORMAT"),
        "reason": waiver.reason,
    }


def track_record_check(application, unsettled):
    """(ok, message, waiver) of the association's earlier projects (`unsettled`, read by `_cached_rule_figures`):
    none unsettled, or the rule lifted for this dossier."""
    if not unsettled:
        return True, "", ""
    waiver = waiver_of(application, "track_record")
    if waiver is not None:
        return True, "", waiver_text(waiver)
    return False, _(
        "Votre association n'est pas à jour de ses projets précédents : %(projects)s. "
        "Régularisez-les avec le FORIM avant de déposer un nouveau dossier."
    ) % {"projects": describe(unsettled)}, ""


def check_application(application):
    """Every rule of the call on this dossier, passed or not."""
    call = application.call
    organisation = application.organisation
    results = []

    def rule(code, label, ok, message, field, waiver=""):
        results.append(RuleResult(
            code=code, label=str(label), ok=bool(ok), message="" if ok else str(message), field=field, waiver=str(waiver),
        ))

    total, funding, balanced = budget_balance(application)
    rule(
        "budget_balanced", _("Budget équilibré"), balanced,
        _("Le total des dépenses (%(total)s) doit être égal au total du plan de financement (%(funding)s) : écart de %(gap)s.")
        % {"total": euros(total), "funding": euros(funding), "gap": euros(abs(total - funding))}
        if total > 0 else _("Ajoutez les lignes de dépenses de votre budget."),
        "budget",
    )
    grant = application.amount_requested
    rule(
        "grant_positive", _("Montant demandé"), grant > 0,
        _("Indiquez le montant demandé au FORIM."), "amount_requested",
    )
    rule(
        "grant_max", _("Subvention maximale"), grant <= call.max_grant,
        _("Le montant demandé (%(grant)s) dépasse le plafond de l'appel (%(max)s) : réduisez-le.")
        % {"grant": euros(grant), "max": euros(call.max_grant)},
        "amount_requested",
    )
    share_limit = share_ceiling(total, call.max_grant_share)
    rule(
        "grant_share", _("Part maximale du coût total"), total > 0 and not exceeds_share(grant, total, call.max_grant_share),
        _("Le montant demandé ne peut pas dépasser %(share)s %% du coût total, soit %(limit)s : réduisez-le ou trouvez d'autres financements.")
        % {"share": format_number(call.max_grant_share), "limit": euros(share_limit)},
        "amount_requested",
    )
    within = total >= call.min_total_budget and (not call.max_total_budget or total <= call.max_total_budget)
    rule(
        "total_bounds", _("Budget total dans les limites"), within,
        _("Le budget total (%(total)s) doit être compris entre %(min)s et %(max)s.")
        % {"total": euros(total), "min": euros(call.min_total_budget), "max": euros(call.max_total_budget)},
        "budget",
    )
    cached = _cached_rule_figures(application)
    rule("country", _("Pays éligible"), *cached["country"], "country")
    sector_ok = bool(application.sector) and (not call.sectors or application.sector in call.sectors)
    rule(
        "sector", _("Secteur éligible"), sector_ok,
        _("Choisissez un secteur parmi ceux de l'appel.") if not application.sector
        else _("Ce secteur n'est pas éligible à cet appel : choisissez-en un autre."),
        "sector",
    )
    allowed, reason = _can_apply(organisation)
    rule("association_validated", _("Association validée"), allowed, reason, "association")
    if call.track_record_required:
        ok, message, waiver = track_record_check(application, cached["unsettled"])
        rule("track_record", LIFTABLE_RULES["track_record"], ok, message, "association", waiver=waiver)
    if call.min_association_age_months:
        reference_day = timezone.localdate(call.deadline)
        age_ok = bool(organisation.created_on) and months_between(organisation.created_on, reference_day) >= call.min_association_age_months
        rule(
            "association_age", _("Ancienneté de l'association"), age_ok,
            _("L'association doit avoir au moins %(months)s mois d'existence à la date limite ; renseignez sa date de création dans la fiche association.")
            % {"months": call.min_association_age_months},
            "association",
        )
    duration = application.duration_months
    rule(
        "duration", _("Durée du projet"), bool(duration) and duration <= call.max_duration_months,
        _("Indiquez la durée du projet.") if not duration
        else _("La durée (%(d)s mois) dépasse le maximum de l'appel (%(max)s mois) : raccourcissez le projet.")
        % {"d": duration, "max": call.max_duration_months},
        "duration_months",
    )
    if call.required_documents:
        present = present_document_types(application)
        missing = [document_label(code) for code in call.required_documents if code not in present]
        rule(
            "documents", _("Pièces obligatoires"), not missing,
            _("Pièces manquantes : %(list)s.") % {"list": ", ".join(missing)}, "documents",
        )
    if call.operator_visa_required:
        visa = latest_visa(application)
        if visa is None:
            message = _("Demandez le visa de votre opérateur d'appui (étape « Opérateur d'appui », bouton « Demander le visa ») avant de déposer.")
        else:
            message = _("Votre opérateur d'appui a demandé des modifications : %(comment)s") % {"comment": visa.comment or "—"}
        rule("operator_visa", _("Visa de l'opérateur d'appui"), visa is not None and visa.decision == "granted", message, "operator")
    return results


def failures(application):
    return [result for result in check_application(application) if not result.ok]


def failures_by_field(results):
    grouped = {}
    for result in results:
        if not result.ok:
            grouped.setdefault(result.field, []).append(result)
    return grouped


@dataclass
class WaiverLine:
    label: str
    by: str
    at: object
    reason: str


def waiver_box(application, form, *, results=None):
    """What the staff dossier page shows about lifted rules: the liftable rules' results, the waivers, the form.
    `results`: the dossier's `check_application` when the page has already run it."""
    waivers = [
        WaiverLine(label=str(LIFTABLE_RULES.get(w.rule, w.rule)), by=w.by.get_full_name() or w.by.email, at=w.at, reason=w.reason)
        for w in application.rule_waivers.select_related("by")
    ]
    results = check_application(application) if results is None else results
    return {"results": [result for result in results if result.code in LIFTABLE_RULES], "waivers": waivers, "form": form}
