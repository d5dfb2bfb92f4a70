"""Writes on statements of intent: start, save, submit, withdraw, and staff's pre-selection.

Pages, the API and the demo call these; states move only through `lifecycle.engine.fire`
(declared in `intents.machines`). `admit_to_full_dossier` is the gate `grants.services.start_application`
asks on a two-stage call: only a pre-selected association starts the full dossier, pre-filled.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access.permissions import require_staff
from access.rules import can_edit_for
from forim_portal.errors import Conflict, DomainError
from forim_portal.money import parse_amount
from grants.models import Call
from grants.services import paris_datetime
from lifecycle.engine import described, fire
from members.choices import Sector
from members.selectors import can_apply

from .eligibility import failures
from .models import ZERO, IntentStatus, StatementOfIntent

TEXT_FIELDS = {"title": 255, "summary": 3000}
MONEY_FIELDS = ("estimated_total", "estimated_grant")
STATEMENT_FIELDS = (*TEXT_FIELDS, "country", "sector", *MONEY_FIELDS)
DECISIONS = ("preselect", "decline")


def _refuse_unless_writer(by, organisation):
    if not can_edit_for(by, organisation):
        raise DomainError(
            _("Vous ne pouvez pas écrire de manifestation d'intérêt pour cette association."),
            code="forbidden",
            status=403,
        )


def _refuse_unless_intents_open(call):
    if not call.is_two_stage:
        raise DomainError(
            _("Cet appel se déroule en une seule étape : déposez directement le dossier complet."), code="single_stage"
        )
    if not call.intents_open():
        raise DomainError(
            _(
                "Les manifestations d'intérêt sont reçues du %(opens)s au %(deadline)s (heure de Paris) : "
                "ce n'est pas la période."
            )
            % {"opens": paris_datetime(call.opens_at), "deadline": paris_datetime(call.intent_deadline)},
            code="intent_stage_closed",
        )


def current_statement(*, call, organisation):
    """The association's statement on this call (a withdrawn one no longer counts)."""
    return (
        StatementOfIntent.objects.filter(call=call, organisation=organisation)
        .exclude(status=IntentStatus.WITHDRAWN)
        .first()
    )


def start_statement(*, call, organisation, by):
    """Open the association's statement on a two-stage call; a second click returns the same draft.

    One per association and call: a statement already submitted or decided answers a Conflict.
    """
    _refuse_unless_writer(by, organisation)
    _refuse_unless_intents_open(call)
    allowed, reason = can_apply(organisation)
    if not allowed:
        raise DomainError(reason, code="not_applicant", status=403)
    with transaction.atomic():
        Call.objects.select_for_update().get(pk=call.pk)  # serialises two clicks on "Manifester son intérêt"
        existing = current_statement(call=call, organisation=organisation)
        if existing is None:
            try:
                with transaction.atomic():
                    return StatementOfIntent.objects.create(call=call, organisation=organisation, created_by=by)
            except IntegrityError:
                existing = current_statement(call=call, organisation=organisation)
    if existing.status != IntentStatus.DRAFT:
        raise Conflict(
            _(
                "Votre association a déjà une manifestation d'intérêt pour cet appel (« %(state)s ») : une seule par appel."
            )
            % {"state": existing.get_status_display()},
            code="one_per_association",
        )
    return existing


def _clean(name, value):
    if name in MONEY_FIELDS:
        return ZERO if value in (None, "") else parse_amount(value, field=name)
    if value is None:
        return ""
    if name in TEXT_FIELDS:
        value = str(value).strip()
        if len(value) > TEXT_FIELDS[name]:
            raise DomainError(
                _("Ce texte est trop long : %(max)s caractères au plus.") % {"max": TEXT_FIELDS[name]},
                code="too_long",
                field=name,
            )
        return value
    if name == "sector" and value and value not in Sector.values:
        raise DomainError(_("Choisissez un secteur de la liste."), code="bad_choice", field=name)
    return value


def save_statement(*, statement, by, **fields):
    """Save the association's draft (an incomplete one too); the rules are checked at submission."""
    unknown = sorted(set(fields) - set(STATEMENT_FIELDS))
    if unknown:
        raise DomainError(
            _("Champ inconnu : %(names)s.") % {"names": ", ".join(unknown)}, code="unknown_field", field=unknown[0]
        )
    _refuse_unless_writer(by, statement.organisation)
    if statement.status != IntentStatus.DRAFT:
        raise DomainError(
            _("Cette manifestation d'intérêt est « %(state)s » : elle ne peut plus être modifiée.")
            % {"state": statement.get_status_display()},
            code="not_editable",
            status=409,  # a state conflict, like the workflow's refused moves
        )
    _refuse_unless_intents_open(statement.call)
    for name, value in fields.items():
        setattr(statement, name, _clean(name, value))
    try:
        statement.full_clean(
            exclude=["call", "organisation", "status", "created_by", "decided_by"], validate_constraints=False
        )
    except ValidationError as error:  # the model's own field checks (a country code, a length)
        field, texts = next(iter(error.message_dict.items()))
        raise DomainError(texts[0], code="invalid", field=None if field == "__all__" else field) from None
    statement.save(update_fields=[*fields, "updated_at"])
    return statement


def submit_statement(*, statement, by):
    """Check every rule of the call again, then submit; a second click on a submitted statement changes nothing."""
    statement.refresh_from_db()
    if statement.status == IntentStatus.SUBMITTED and can_edit_for(by, statement.organisation):
        return statement
    fire(statement, "submit", by=by, expected_state=IntentStatus.DRAFT)
    return statement


def withdraw_statement(*, statement, by, comment=""):
    fire(statement, "withdraw", by=by, comment=comment)
    return statement


def decide_statement(*, statement, by, decision, reason="", expected_state=None):
    """Staff pre-select a submitted statement or decline it (a reason is then required); the association is e-mailed."""
    require_staff(by)
    if decision not in DECISIONS:
        raise DomainError(
            _("Décision inconnue : choisissez « présélectionner » ou « ne pas présélectionner »."),
            code="bad_decision",
            field="decision",
        )
    fire(statement, decision, by=by, comment=reason, expected_state=expected_state)
    return statement


# Guards of the submission (intents.machines), checked inside the move ------------------------


@described(gettext_lazy("Refusé après la date limite des manifestations d'intérêt"))
def refuse_after_intent_deadline(statement, user, comment):
    call = statement.call
    if not call.intents_open():
        raise DomainError(
            _(
                "La date limite des manifestations d'intérêt (%(deadline)s, heure de Paris) est passée : "
                "la manifestation ne peut plus être déposée."
            )
            % {"deadline": paris_datetime(call.intent_deadline)},
            code="intent_deadline_passed",
        )


@described(
    gettext_lazy("Refusé tant qu'une règle de l'appel n'est pas respectée (montants, pays, secteur, association)")
)
def refuse_failed_rules(statement, user, comment):
    failed = failures(statement)
    if failed:
        raise DomainError(
            _("La manifestation d'intérêt ne respecte pas encore toutes les règles de l'appel : %(rules)s")
            % {"rules": " ; ".join(f"{result.label} — {result.message}" for result in failed)},
            code="rules_failed",
            field=failed[0].field,
        )


# The gate of the full dossier (grants.services.start_application) -----------------------------


def admit_to_full_dossier(*, call, organisation):
    """On a two-stage call: refuse an association that is not pre-selected; else the dossier's first values."""
    if not call.is_two_stage:
        return {}
    statement = StatementOfIntent.objects.filter(
        call=call, organisation=organisation, status=IntentStatus.PRESELECTED
    ).first()
    if statement is None:
        raise DomainError(
            _(
                "Cet appel se déroule en deux étapes : seules les associations présélectionnées sur leur manifestation "
                "d'intérêt peuvent déposer le dossier complet."
            ),
            code="not_preselected",
            status=403,
        )
    return {
        "title": statement.title,
        "country": statement.country,
        "sector": statement.sector,
        "context": statement.summary,
        "amount_requested": statement.estimated_grant,
    }
