"""The call's rules on a statement of intent: its estimated figures against the same limits as the
full dossier (grant ceiling and share, total budget bounds), the country, the sector and the
association (validated, old enough). One `grants.eligibility.RuleResult` per rule, French message.

Every limit is read from the call (Mésoprojets: grant ≤ 100 000 € and ≤ 70 % of the total,
total 120 000–300 000 €, association at least 24 months old), never from constants.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from forim_portal.money import exceeds_share, share_ceiling
from grants.eligibility import RuleResult, country_check_for, euros, months_between
from members.selectors import can_apply


def _percent(value):
    return f"{value.normalize():f}".replace(".", ",")


def check_statement(statement):
    """Every rule of the call on this statement, passed or not."""
    call, organisation = statement.call, statement.organisation
    results = []

    def rule(code, label, ok, message, field):
        results.append(
            RuleResult(code=code, label=str(label), ok=bool(ok), message="" if ok else str(message), field=field)
        )

    rule("title", _("Intitulé du projet"), statement.title.strip(), _("Donnez un intitulé à votre projet."), "title")
    country_ok, refusal = country_check_for(call, statement.country.code if statement.country else "")
    rule("country", _("Pays éligible"), country_ok, refusal, "country")
    rule(
        "sector",
        _("Secteur éligible"),
        statement.sector and (not call.sectors or statement.sector in call.sectors),
        _("Choisissez un secteur parmi ceux de l'appel.")
        if not statement.sector
        else _("Ce secteur n'est pas éligible à cet appel : choisissez-en un autre."),
        "sector",
    )
    rule(
        "summary",
        _("Résumé du projet"),
        statement.summary.strip(),
        _("Résumez votre projet en quelques lignes."),
        "summary",
    )
    total, grant = statement.estimated_total, statement.estimated_grant
    within = (
        total > 0 and total >= call.min_total_budget and (not call.max_total_budget or total <= call.max_total_budget)
    )
    rule(
        "total_bounds",
        _("Budget total dans les limites"),
        within,
        _("Le budget total estimé (%(total)s) doit être compris entre %(min)s et %(max)s.")
        % {"total": euros(total), "min": euros(call.min_total_budget), "max": euros(call.max_total_budget)},
        "estimated_total",
    )
    rule(
        "grant_positive",
        _("Subvention demandée"),
        grant > 0,
        _("Indiquez la subvention que vous comptez demander."),
        "estimated_grant",
    )
    rule(
        "grant_max",
        _("Subvention maximale"),
        grant <= call.max_grant,
        _("La subvention estimée (%(grant)s) dépasse le plafond de l'appel (%(max)s) : réduisez-la.")
        % {"grant": euros(grant), "max": euros(call.max_grant)},
        "estimated_grant",
    )
    rule(
        "grant_share",
        _("Part maximale du coût total"),
        total > 0 and not exceeds_share(grant, total, call.max_grant_share),
        _("La subvention estimée ne peut pas dépasser %(share)s %% du budget total estimé, soit %(limit)s.")
        % {"share": _percent(call.max_grant_share), "limit": euros(share_ceiling(total, call.max_grant_share))},
        "estimated_grant",
    )
    allowed, reason = can_apply(organisation)
    rule("association_validated", _("Association validée"), allowed, reason, "organisation")
    if call.min_association_age_months:
        reference_day = timezone.localdate(call.deadline)
        age_ok = (
            bool(organisation.created_on)
            and months_between(organisation.created_on, reference_day) >= call.min_association_age_months
        )
        rule(
            "association_age",
            _("Ancienneté de l'association"),
            age_ok,
            _(
                "L'association doit avoir au moins %(months)s mois d'existence à la date limite de l'appel ; "
                "renseignez sa date de création dans la fiche association."
            )
            % {"months": call.min_association_age_months},
            "organisation",
        )
    return results


def failures(statement):
    return [result for result in check_statement(statement) if not result.ok]
