"""The call's rules, applied to a dossier: one result per rule, with a French message at the field.

Every rule reads its limits from the call (data FORIM staff edit), never from constants.
The same list feeds the live checks on each step, the submission and the staff admissibility
checklist.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from forim_portal.money import exceeds_share, share_ceiling
from members.countries import country_name
from members.selectors import can_apply, current_documents


@dataclass
class RuleResult:
    code: str
    label: str
    ok: bool
    message: str
    field: str


def euros(amount):
    """A French amount: 15 000,00 €."""
    text = f"{amount:,.2f}".replace(",", "\u202f").replace(".", ",")
    return f"{text} €"


def grant_ceiling(call, total):
    """The largest grant (in cents) the call allows for this total: its maximum, and no more than its share of the total."""
    return min(call.max_grant, share_ceiling(total, call.max_grant_share))


def exceeds_call_rules(call, grant, total):
    """Whether `grant` is above the call's maximum or its maximal share of `total` (compared exactly, no rounding)."""
    return grant > call.max_grant or exceeds_share(grant, total, call.max_grant_share)


def budget_total(application):
    return sum((line.amount for line in application.budget_lines.all()), Decimal("0.00"))


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


def check_application(application):
    """Every rule of the call on this dossier, passed or not."""
    call = application.call
    organisation = application.organisation
    results = []

    def rule(code, label, ok, message, field):
        results.append(RuleResult(code=code, label=str(label), ok=bool(ok), message="" if ok else str(message), field=field))

    total = budget_total(application)
    funding = application.funding_total
    rule(
        "budget_balanced", _("Budget équilibré"), total > 0 and total == funding,
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
        % {"share": f"{call.max_grant_share.normalize():f}".replace(".", ","), "limit": euros(share_limit)},
        "amount_requested",
    )
    within = total >= call.min_total_budget and (not call.max_total_budget or total <= call.max_total_budget)
    rule(
        "total_bounds", _("Budget total dans les limites"), within,
        _("Le budget total (%(total)s) doit être compris entre %(min)s et %(max)s.")
        % {"total": euros(total), "min": euros(call.min_total_budget), "max": euros(call.max_total_budget)},
        "budget",
    )
    country = application.country.code if application.country else ""
    eligible = list(call.eligible_countries)
    excluded = list(call.excluded_countries)
    country_ok = bool(country) and country not in excluded and (not eligible or country in eligible)
    if not country:
        country_message = _("Choisissez le pays du projet.")
    elif country in excluded:
        country_message = _("%(country)s est exclu de cet appel : le projet ne peut pas y être déposé.") % {"country": country_label(country)}
    else:
        country_message = _("%(country)s ne fait pas partie des pays éligibles de cet appel.") % {"country": country_label(country)}
    rule("country", _("Pays éligible"), country_ok, country_message, "country")
    sector_ok = bool(application.sector) and (not call.sectors or application.sector in call.sectors)
    rule(
        "sector", _("Secteur éligible"), sector_ok,
        _("Choisissez un secteur parmi ceux de l'appel.") if not application.sector
        else _("Ce secteur n'est pas éligible à cet appel : choisissez-en un autre."),
        "sector",
    )
    allowed, reason = _can_apply(organisation)
    rule("association_validated", _("Association validée"), allowed, reason, "association")
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
            message = _("Demandez le visa de votre opérateur d'appui avant de déposer.")
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
