"""Writes on dossiers: drafts, autosave with optimistic locking, documents, submission,
corrections, messages and the operator's visa. Views, the API and tasks all call these."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from access.permissions import has_perm, require_staff
from forim_portal.errors import Conflict, DomainError
from forim_portal.formats import format_amount
from forim_portal.money import (
    MAX_AMOUNT,
    half_up_cents,
    parse_amount,
    parse_percent,
    parse_split,
    split_for_storage,
    to_euros,
)
from lifecycle.engine import described
from members.choices import Sector
from members.models import DocumentType, OrganisationKind
from members.rules import can_edit_for, is_forim_staff
from outbox.services import send_after_commit, send_once_marked

from . import currencies, workflow
from .eligibility import LIFTABLE_RULES, failures, in_kind_total
from .models import (
    Application,
    ApplicationDocument,
    ApplicationVersion,
    BudgetLine,
    Call,
    CorrectionRequest,
    Message,
    OperatorVisa,
    Programme,
    RuleWaiver,
    VisaDecision,
)
from .rules import acts_for_applicant, edits_for_applicant, is_accompanying_operator
from .states import EDITABLE_STATES, FUNDED_STATES, State
from .steps import EDITABLE_STEPS, STEP_CODES, STEP_FIELDS


def paris_datetime(value):
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def open_corrections(application):
    return application.correction_requests.filter(resolved_at__isnull=True)


def editable_steps(application):
    """The steps the applicant may still change: all of them in draft, only those asked for in corrections."""
    if application.status == State.DRAFT:
        return list(EDITABLE_STEPS)
    if application.status == State.CORRECTIONS_REQUESTED:
        asked = {section for request in open_corrections(application) for section in request.sections}
        return [step for step in EDITABLE_STEPS if step in asked]
    return []


def _refuse_unless_editable(application, by, step):
    if not edits_for_applicant(by, application):
        raise DomainError(_("Vous ne pouvez pas modifier ce dossier."), code="forbidden", status=403)
    if application.status not in EDITABLE_STATES:
        raise DomainError(
            _("Ce dossier est « %(state)s » : il ne peut plus être modifié.") % {"state": State(application.status).label},
            code="not_editable", status=403,
        )
    if step not in editable_steps(application) and step != "review":
        raise DomainError(
            _("Cette partie du dossier n'est pas ouverte aux corrections : seules les étapes demandées par le FORIM peuvent être modifiées."),
            code="step_locked", status=403,
        )


# Two-stage calls: the `intents` app (above grants) says who may start the full dossier and what it
# starts with, by registering a gate from its AppConfig.ready() (as the workflow's guards are).
START_GATES = []


def register_start_gate(gate):
    """`gate(call=, organisation=) -> dict`: raises DomainError to refuse the start, else returns initial values."""
    if gate not in START_GATES:
        START_GATES.append(gate)


def _pass_start_gates(call, organisation):
    if call.intent_deadline and not START_GATES:  # a two-stage call never opens to all by a missing app
        raise DomainError(_("Cet appel se déroule en deux étapes : la présélection n'est pas disponible."), code="not_preselected", status=403)
    initial = {}
    for gate in START_GATES:
        initial.update(gate(call=call, organisation=organisation))
    return initial


def start_application(*, call, organisation, by):
    """Open a draft for this association on this call; a second click returns the same draft.

    On a two-stage call only a pre-selected association may start, its draft pre-filled from its statement.
    """
    if not can_edit_for(by, organisation):
        raise DomainError(_("Vous ne pouvez pas déposer de demande pour cette association."), code="forbidden", status=403)
    if organisation.kind not in (OrganisationKind.OSIM, OrganisationKind.FOSIM, OrganisationKind.COSIM):
        raise DomainError(_("Seules les associations du réseau peuvent déposer une demande."), code="not_applicant")
    if not call.is_open():
        raise DomainError(_("Cet appel n'est pas ouvert aux dépôts."), code="call_closed")
    initial = _pass_start_gates(call, organisation)
    with transaction.atomic():
        Call.objects.select_for_update().get(pk=call.pk)  # serialises two clicks on "Commencer"
        existing = Application.objects.filter(call=call, organisation=organisation, status=State.DRAFT).first()
        if existing:
            return existing
        return Application.objects.create(
            call=call, organisation=organisation, operator=organisation.operator, created_by=by,
            last_saved_by=by, last_saved_at=timezone.now(), **initial,
        )


def _lock_for_save(application, by, lock_version, step):
    locked = Application.objects.select_for_update(of=("self",)).select_related("last_saved_by", "call", "organisation").get(pk=application.pk)
    _refuse_unless_editable(locked, by, step)
    if lock_version is not None and _read_lock_version(lock_version) != locked.lock_version:
        who = locked.last_saved_by or _("un autre utilisateur")
        when = paris_datetime(locked.last_saved_at) if locked.last_saved_at else ""
        raise Conflict(
            _("%(who)s a enregistré ce dossier (%(when)s) pendant que vous le modifiiez. Vos saisies sont toujours dans la page : "
              "vérifiez-les, puis cliquez sur « Enregistrer » pour remplacer sa version par la vôtre, ou rechargez la page pour voir la sienne.")
            % {"who": who, "when": when},
            code="stale_save",
        )
    return locked


def _read_lock_version(value):
    """The version a client read with the dossier: a whole number, else a French refusal (never a 500)."""
    if isinstance(value, bool) or not str(value).strip().removeprefix("-").isdigit():
        raise DomainError(
            _("Version du dossier illisible : rechargez la page (ou relisez le dossier) avant d'enregistrer."),
            code="bad_lock_version", field="lock_version",
        )
    return int(value)


MAX_LOCAL_AMOUNT = Decimal("9" * 16 + ".99")  # what BudgetLine.local_amount holds (grants.models.LOCAL_MONEY)


def line_amount(quantity, unit_cost):
    """Quantity × unit cost: a computed amount, half-up to the cent (forim_portal.money)."""
    return half_up_cents(Decimal(quantity) * Decimal(unit_cost))


def _first_set(*values):
    return next(value for value in values if value is not None)


def _typed_unit_cost(currency, row):
    """The unit cost a row brings, in the budget's currency: `unit_cost` for a budget in euros, `local_unit_cost` else."""
    local, in_euros = row.get("local_unit_cost"), row.get("unit_cost")
    if currency == currencies.EURO and local is not None:
        raise DomainError(
            _("Ce budget est en euros : indiquez le coût unitaire en euros (unit_cost), ou choisissez d'abord la devise du budget."),
            code="currency_mismatch", field="budget_lines",
        )
    if currency != currencies.EURO and local is None and in_euros is not None:
        raise DomainError(
            _("Ce budget est en %(currency)s : indiquez le coût unitaire en %(currency)s (local_unit_cost) ; le montant en euros est calculé.")
            % {"currency": currency},
            code="currency_mismatch", field="budget_lines",
        )
    return in_euros if currency == currencies.EURO else local


def _converted(quantity, unit_cost, rate):
    """A line's figures: quantity × unit cost in the budget's currency, then each converted by `to_euros` (half-up to the cent)."""
    amount = line_amount(quantity, unit_cost)
    if rate is None:
        figures = {"currency": currencies.EURO, "unit_cost": unit_cost, "amount": amount, "local_unit_cost": None, "local_amount": None}
    else:
        figures = {
            "currency": rate.currency, "local_unit_cost": unit_cost, "local_amount": amount,
            "unit_cost": to_euros(unit_cost, rate.units_per_euro), "amount": to_euros(amount, rate.units_per_euro),
        }
    if figures["amount"] > MAX_AMOUNT or amount > MAX_LOCAL_AMOUNT:
        raise DomainError(_("Le montant d'une ligne est trop élevé : vérifiez la quantité et le coût unitaire."), code="bad_amount", field="budget_lines")
    return figures


def _save_lines(application, rows, rate):
    """Create, update or delete budget lines typed in the budget's currency. Returns {row index: line id} for the rows kept."""
    existing = {line.pk: line for line in application.budget_lines.all()}
    currency = application.budget_currency
    kept = {}
    for position, row in enumerate(rows):
        line = existing.get(row.get("id"))
        if row.get("delete"):
            if line:
                line.delete()
            continue
        typed = _typed_unit_cost(currency, row)
        if not (row.get("label") or typed):
            continue
        previous = line.entered_unit_cost if line and line.currency == currency else None
        quantity = _first_set(row.get("quantity"), line.quantity if line else None, Decimal("1"))
        unit_cost = _first_set(typed, previous, Decimal("0"))
        values = {
            "category": row.get("category") or (line.category if line else "other"),
            "label": row.get("label") or (line.label if line else _("(sans libellé)")),
            "quantity": quantity, **_converted(quantity, unit_cost, rate), "position": position,
        }
        if line:
            for name, value in values.items():
                setattr(line, name, value)
            line.save()
        else:
            line = BudgetLine.objects.create(application=application, **values)
        kept[row.get("index", position)] = line.pk
    return kept


def _save_budget(application, rows):
    """The budget step's lines, in the dossier's currency at the call's rate of now (grants.currencies).

    Every line of the dossier is converted again, so they all share one rate, stored on the dossier.
    A currency the call offers no rate for is refused (DomainError 400, nothing saved); so are lines
    left in another currency when the currency changes without them.
    """
    application.budget_currency = str(application.budget_currency or currencies.EURO).strip().upper()
    rate = currencies.rate_for(application.call, application.budget_currency)
    application.budget_units_per_euro = rate.units_per_euro if rate else None
    application.budget_rate_date = rate.rate_date if rate else None
    kept = _save_lines(application, rows, rate)
    others = application.budget_lines.exclude(pk__in=kept.values())
    if rate is None:
        others = others.exclude(currency=currencies.EURO)  # lines in euros keep their figures (a lump sum has no unit cost)
    for line in others:
        if line.currency != application.budget_currency:
            raise DomainError(
                _("La devise du budget passe de %(old)s à %(new)s : envoyez aussi les lignes du budget, en %(new)s.")
                % {"old": line.currency, "new": application.budget_currency},
                code="currency_mismatch", field="budget_lines",
            )
        figures = _converted(line.quantity, line.entered_unit_cost, rate)
        if any(getattr(line, name) != value for name, value in figures.items()):
            BudgetLine.objects.filter(pk=line.pk).update(**figures)
    application.in_kind = in_kind_total(application)  # never typed: the budget's lines « en nature »
    return kept


def save_step(*, application, by, step, values, lock_version=None, lines=None):
    """Save what is valid of one step (drafts survive incomplete). Refuses a stale save with a Conflict.

    `values` holds only valid fields of `step`; `lines` (budget step) is a list of row dicts.
    Returns {row index: line id} of the budget lines saved.
    """
    if step not in STEP_CODES:
        raise DomainError(_("Étape inconnue."), code="unknown_step", status=404)
    return update_draft(application=application, by=by, values_by_step={step: values}, lock_version=lock_version, lines=lines)


def update_draft(*, application, by, values_by_step, lock_version=None, lines=None):
    """Save several steps at once (the API), each checked as open to edits, under one lock check."""
    with transaction.atomic():
        locked = None
        for step, values in values_by_step.items():
            if locked is None:
                locked = _lock_for_save(application, by, lock_version, step)
            else:
                _refuse_unless_editable(locked, by, step)
            allowed = set(STEP_FIELDS.get(step, []))
            for name, value in values.items():
                if name in allowed:
                    setattr(locked, name, value)
        if locked is None:
            locked = _lock_for_save(application, by, lock_version, "budget")
            if lines is None:
                return {}  # nothing to save: the version was checked, it is not moved
        kept = {}
        if lines is not None or "budget" in values_by_step:
            _refuse_unless_editable(locked, by, "budget")
            kept = _save_budget(locked, lines or [])
        locked.lock_version += 1
        locked.last_saved_by = by
        locked.last_saved_at = timezone.now()
        locked.save()
    # The caller's instance now holds the stored row (a changed foreign key drops its cached object): the autosave
    # answers from it without reading the row again (grants.views._autosave).
    for field in locked._meta.concrete_fields:
        setattr(application, field.attname, getattr(locked, field.attname))
    return kept


def add_document(*, application, by, doc_type, upload=None, vault_document=None):
    """Attach a document: a file checked by SafeFileField, or one of the association's vault documents."""
    _refuse_unless_editable(application, by, "documents")
    if vault_document is not None and vault_document.organisation_id != application.organisation_id:
        raise DomainError(_("Ce document n'appartient pas à votre association."), code="foreign_document", status=404)
    if upload is None and vault_document is None:
        raise DomainError(_("Choisissez un fichier ou un document de votre coffre-fort."), code="no_file", field="file")
    document = ApplicationDocument(
        application=application, doc_type=doc_type, vault_document=vault_document, uploaded_by=by,
    )
    if upload is not None:
        document.original_name = upload.name[:200]
        document.size = upload.size or 0
        document.file.save(upload.name, upload, save=False)
    document.save()
    return document


def remove_document(*, application, by, document):
    _refuse_unless_editable(application, by, "documents")
    if document.application_id != application.pk:
        raise DomainError(_("Document introuvable."), code="not_found", status=404)
    if document.file:
        document.file.delete(save=False)
    document.delete()


def _refuse_after_deadline(application, user, comment):
    """Submission closes at the call's deadline, server time, whatever the page showed."""
    if timezone.now() >= application.call.deadline:
        raise DomainError(
            _("La date limite de dépôt (%(deadline)s, heure de Paris) est passée : le dossier ne peut plus être déposé.")
            % {"deadline": paris_datetime(application.call.deadline)},
            code="deadline_passed",
        )


def _refuse_failed_rules(application):
    failed = failures(application)
    if failed:
        raise DomainError(
            _("Le dossier ne respecte pas encore toutes les règles de l'appel : %(rules)s")
            % {"rules": " ; ".join(f"{result.label} — {result.message}" for result in failed)},
            code="rules_failed",
        )


def submit_application(*, application, by, changes=""):
    """Check every rule again, then submit. A second click on a submitted dossier changes nothing.

    `changes`: on a corrected dossier, what the association says it changed (kept in the history, read by staff)."""
    application.refresh_from_db()
    if application.status == State.SUBMITTED and application.reference and acts_for_applicant(by, application):
        return application
    if application.status == State.CORRECTIONS_REQUESTED:
        return resubmit_application(application=application, by=by, changes=changes)
    if application.status != State.DRAFT:
        raise DomainError(
            _("Ce dossier est « %(state)s » : il ne peut pas être déposé.") % {"state": State(application.status).label},
            code="not_draft",
        )
    if not edits_for_applicant(by, application):
        raise DomainError(_("Vous ne pouvez pas déposer ce dossier."), code="forbidden", status=403)
    _refuse_after_deadline(application, by, "")
    _refuse_failed_rules(application)
    try:
        workflow.fire(application, "submit", by=by, expected_state=State.DRAFT)
    except Conflict:
        application.refresh_from_db()
        if application.status == State.SUBMITTED:
            return application
        raise
    return application


def resubmit_application(*, application, by, changes=""):
    application.refresh_from_db()
    if application.status == State.SUBMITTED:
        return application
    _refuse_failed_rules(application)
    workflow.fire(application, "resubmit", by=by, comment=(changes or "").strip()[:5000], expected_state=State.CORRECTIONS_REQUESTED)
    return application


def withdraw_application(*, application, by, comment=""):
    workflow.fire(application, "withdraw", by=by, comment=comment)
    return application


CORRECTION_DELAY_DAYS = 15


def default_correction_due_on(today=None):
    """Without a date from the instructor, the association has 15 days to send its corrections back."""
    return (today or timezone.localdate()) + datetime.timedelta(days=CORRECTION_DELAY_DAYS)


CORRECTION_REMINDER_DAYS = 2


def check_correction_due_on(due_on):
    """The one rule on the date, for the service and the forms that ask for it: today or later."""
    if due_on is not None and due_on < timezone.localdate():
        raise DomainError(_("La date de renvoi des corrections ne peut pas être passée."), code="due_in_past", field="due_on")


def send_correction_reminders(*, today=None):
    """Remind the association once, two days before its corrections are due. Returns how many.

    Marked and queued together (outbox.send_once_marked): each reminder goes out once, even after a broker outage.
    """
    from .tasks import send_correction_reminder_email

    today = today or timezone.localdate()
    due = CorrectionRequest.objects.filter(
        resolved_at__isnull=True, reminded_at__isnull=True,
        due_on__gte=today, due_on__lte=today + datetime.timedelta(days=CORRECTION_REMINDER_DAYS),
        application__status=State.CORRECTIONS_REQUESTED,
    ).values_list("pk", flat=True)
    reminded = 0
    for correction_id in list(due):
        not_reminded = CorrectionRequest.objects.filter(pk=correction_id, reminded_at__isnull=True)
        reminded += send_once_marked(not_reminded, send_correction_reminder_email, correction_id, reminded_at=timezone.now())
    return reminded


def request_corrections(*, application, by, sections, message, due_on=None):
    """Staff ask for corrections on some steps, by a date; the applicant may then edit only those."""
    sections = [section for section in sections if section in EDITABLE_STEPS]
    if not sections:
        raise DomainError(_("Choisissez au moins une étape à corriger."), code="no_sections", field="sections")
    if not (message or "").strip():
        raise DomainError(_("Expliquez ce qu'il faut corriger."), code="comment_required", field="message")
    check_correction_due_on(due_on)
    with transaction.atomic():
        correction = CorrectionRequest.objects.create(
            application=application, sections=sections, message=message.strip(), requested_by=by,
            due_on=due_on or default_correction_due_on(),
        )
        workflow.fire(application, "request_corrections", by=by, comment=message)
        return correction


def post_message(*, application, by, body):
    """Add a message to the thread; the other side is told by e-mail after commit."""
    body = (body or "").strip()
    if not body:
        raise DomainError(_("Écrivez votre message avant de l'envoyer."), code="empty", field="body")
    staff = is_forim_staff(by)
    if not staff and not acts_for_applicant(by, application):
        raise DomainError(_("Vous ne pouvez pas écrire sur ce dossier."), code="forbidden", status=403)
    message = Message.objects.create(application=application, author=by, from_staff=staff, body=body[:10000])
    from .tasks import send_message_emails

    send_after_commit(send_message_emails, message.pk)
    return message


def mark_thread_read(*, application, reader):
    """Messages from the other side are read once the reader sees the thread."""
    if reader is None or not reader.is_authenticated:
        return 0
    from_other_side = not is_forim_staff(reader)
    if not is_forim_staff(reader) and not acts_for_applicant(reader, application):
        return 0
    return application.messages.filter(from_staff=from_other_side, read_at__isnull=True).update(read_at=timezone.now())


def set_publish_consent(*, application, consent, by):
    """After the award, the association says whether its project appears among the public laureates.

    Only this field changes (the rest of a funded dossier is frozen); before the award the consent
    is given with the dossier (its "review" step).
    """
    if not has_perm(by, "grants.change_application", application):
        raise DomainError(_("Seule l'association porteuse peut changer ce choix."), code="forbidden", status=403)
    if application.status not in FUNDED_STATES:
        raise DomainError(
            _("Ce choix se fait dans le dossier jusqu'à l'attribution, puis ici une fois le projet lauréat."),
            code="not_awarded",
        )
    if not isinstance(consent, bool):
        raise DomainError(_("Répondez par oui ou par non."), code="bad_consent", field="publish_consent")
    application.publish_consent = consent
    application.save(update_fields=["publish_consent", "updated_at"])
    return application


VISA_REQUEST_INTERVAL = datetime.timedelta(hours=24)


def request_visa(*, application, by, note=""):
    """The association asks its support operator for its visa on the draft: the operator's members are e-mailed
    (once a day at most), and the dossier shows when it was asked."""
    if not edits_for_applicant(by, application):
        raise DomainError(_("Seule l'association peut demander le visa de son opérateur d'appui."), code="forbidden", status=403)
    if application.status not in EDITABLE_STATES:
        raise DomainError(_("Le visa se demande avant le dépôt du dossier."), code="not_draft")
    operator_id = application.operator_id or application.organisation.operator_id
    if not operator_id:
        raise DomainError(_("Choisissez d'abord votre opérateur d'appui à cette étape."), code="no_operator", field="operator")
    now = timezone.now()
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.visa_requested_at and now - locked.visa_requested_at < VISA_REQUEST_INTERVAL:
            raise DomainError(
                _("Votre opérateur d'appui a déjà été prévenu le %(date)s : attendez son avis ou écrivez-lui directement.")
                % {"date": formats.date_format(timezone.localtime(locked.visa_requested_at), "DATETIME_FORMAT")},
                code="already_requested", status=409,
            )
        Application.objects.filter(pk=application.pk).update(visa_requested_at=now)
        application.visa_requested_at = now
        from .tasks import send_visa_request_emails

        send_after_commit(send_visa_request_emails, application.pk, (note or "").strip()[:2000])
    return application


def give_visa(*, application, by, decision, comment=""):
    """The accompanying operator gives its visa on a draft, or asks for changes (then a comment is needed)."""
    if not is_accompanying_operator(by, application):
        raise DomainError(_("Seul l'opérateur d'appui qui accompagne l'association peut donner son visa."), code="forbidden", status=403)
    if application.status not in EDITABLE_STATES:
        raise DomainError(_("Le visa se donne avant le dépôt du dossier."), code="not_draft")
    if decision not in VisaDecision.values:
        raise DomainError(_("Décision inconnue."), code="bad_decision", field="decision")
    comment = (comment or "").strip()
    if decision == VisaDecision.CHANGES_REQUESTED and not comment:
        raise DomainError(_("Dites à l'association ce qu'elle doit modifier."), code="comment_required", field="comment")
    visa = OperatorVisa.objects.create(
        application=application, operator_id=application.operator_id or application.organisation.operator_id,
        given_by=by, decision=decision, comment=comment,
    )
    from .tasks import send_visa_emails

    send_after_commit(send_visa_emails, visa.pk)
    return visa


# Workflow effects, registered in GrantsConfig.ready()

@described(_lazy("Donne au dossier sa référence unique (PROGRAMME-année-numéro)"))
def assign_reference(application, record):
    """`<PROGRAMME>-<year>-<4 digits>`, unique: the call row is locked while its counter moves."""
    if application.reference:
        return
    call = Call.objects.select_for_update(of=("self",)).select_related("programme").get(pk=application.call_id)
    while True:  # skips a number already taken (a dossier imported with its historical reference)
        call.last_reference_number += 1
        reference = f"{call.programme.code.upper()}-{call.year}-{call.last_reference_number:04d}"
        if not Application.objects.filter(reference=reference).exists():
            break
    call.save(update_fields=["last_reference_number"])
    application.reference = reference
    Application.objects.filter(pk=application.pk).update(reference=application.reference)


@described(_lazy("Garde une copie de ce qui a été déposé"))
def keep_version(application, record):
    """Freeze a copy of what was (re)submitted."""
    from .selectors import snapshot

    number = (application.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    ApplicationVersion.objects.create(
        application=application, number=number, data=snapshot(application), created_by=record.by
    )


@described(_lazy("Clôt les demandes de corrections en cours"))
def resolve_corrections(application, record):
    open_corrections(application).update(resolved_at=timezone.now())


@described(_lazy("Refusé après la date limite de l'appel"))
def refuse_after_deadline(application, user, comment):
    _refuse_after_deadline(application, user, comment)


# Calls and programmes: the one door for the staff pages, the API and the admin ------------------

CALL_MONEY_FIELDS = ("envelope", "max_grant", "min_total_budget", "max_total_budget")
CALL_FIELDS = (
    "programme", "year", "title", "description", "opens_at", "intent_deadline", "deadline", *CALL_MONEY_FIELDS, "max_grant_share",
    "min_association_age_months", "max_duration_months", "eligible_countries", "excluded_countries", "sectors",
    "required_documents", "operator_visa_required", "tranche_split", "reviewers_per_application", "anonymous_review",
    "country_list", "track_record_required",
)
PROGRAMME_FIELDS = ("code", "name", "description", "is_active")


def _assign(instance, allowed, fields):
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise DomainError(_("Champ inconnu : %(names)s.") % {"names": ", ".join(unknown)}, code="unknown_field", field=unknown[0])
    for name, value in fields.items():
        setattr(instance, name, value)


def _model_checks(instance, *, exclude=()):
    """The model's own field checks (types, lengths, choices, constraints) as a DomainError at the first field."""
    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise DomainError(messages[0], code="invalid", field=None if field == "__all__" else field) from None


CALL_COUNTS = {  # field: (lowest, highest, French label)
    "year": (2000, 2100, _lazy("L'année")),
    "min_association_age_months": (0, 1200, _lazy("L'ancienneté minimale")),
    "max_duration_months": (1, 120, _lazy("La durée maximale")),
    "reviewers_per_application": (1, 10, _lazy("Le nombre d'évaluateurs par dossier")),
}


def _check_count(call, name):
    low, high, label = CALL_COUNTS[name]
    value = getattr(call, name)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise DomainError(
            _("%(label)s doit être un nombre entier entre %(low)s et %(high)s.") % {"label": label, "low": low, "high": high},
            code="out_of_range", field=name,
        )


def _check_codes(call, name, allowed):
    codes = getattr(call, name)
    if codes in (None, ""):
        codes = []
    if not isinstance(codes, list | tuple) or any(not isinstance(code, str) or code not in allowed for code in codes):
        raise DomainError(
            _("Choisissez des valeurs de la liste proposée (%(choices)s).") % {"choices": ", ".join(allowed)},
            code="bad_choice", field=name,
        )
    setattr(call, name, list(dict.fromkeys(codes)))


def check_call(call):
    """Every rule on a call's settings, on the unsaved object; normalises its amounts and split.

    Money is read exactly (forim_portal.money); the maximal grant share is a percentage; the
    split is positive shares summing to 100 (empty: one payment); the deadline is after the
    opening; the minimal total budget is not above the maximal one (0: no maximum); counts
    (year, months, reviewers) are whole numbers in range; sectors and documents come from their lists.
    """
    for name in CALL_COUNTS:
        _check_count(call, name)
    _check_codes(call, "sectors", Sector.values)
    _check_codes(call, "required_documents", DocumentType.values)
    for name in CALL_MONEY_FIELDS:
        setattr(call, name, parse_amount(getattr(call, name), field=name))
    if call.max_grant <= 0:
        raise DomainError(_("La subvention maximale doit être positive."), code="not_positive", field="max_grant")
    call.max_grant_share = parse_percent(call.max_grant_share, field="max_grant_share", label=_("La part maximale du coût total"))
    if call.max_total_budget and call.min_total_budget > call.max_total_budget:
        raise DomainError(
            _("Le budget total minimal (%(min)s) dépasse le budget total maximal (%(max)s).")
            % {"min": format_amount(call.min_total_budget), "max": format_amount(call.max_total_budget)},
            code="budget_bounds", field="max_total_budget",
        )
    split = call.tranche_split
    call.tranche_split = [] if split in (None, "", []) else split_for_storage(parse_split(split))
    if not call.opens_at or not call.deadline:
        raise DomainError(_("Indiquez la date d'ouverture et la date limite."), code="required", field="deadline" if call.opens_at else "opens_at")
    if call.deadline <= call.opens_at:
        raise DomainError(_("La date limite doit être après l'ouverture."), code="bad_dates", field="deadline")
    if call.intent_deadline and not call.opens_at < call.intent_deadline < call.deadline:
        raise DomainError(
            _("La date limite des manifestations d'intérêt doit être après l'ouverture et avant la date limite de dépôt des dossiers."),
            code="bad_dates", field="intent_deadline",
        )
    _model_checks(call, exclude=["last_reference_number"])
    return call


def save_call(*, by, call=None, **fields):
    """Create or change a call (staff only): every rule checked by `check_call`, then saved."""
    require_staff(by)
    call = call or Call()
    _assign(call, CALL_FIELDS, fields)
    check_call(call)
    call.save()
    return call


def save_programme(*, by, programme=None, **fields):
    """Create or change a programme (staff only); its code prefixes every reference, so it stays unique."""
    require_staff(by)
    programme = programme or Programme()
    _assign(programme, PROGRAMME_FIELDS, fields)
    programme.code = (programme.code or "").strip()
    programme.name = (programme.name or "").strip()
    if not programme.name:
        raise DomainError(_("Indiquez le nom du programme."), code="required", field="name")
    _model_checks(programme)
    programme.save()
    return programme


def lift_rule(*, application, rule, reason, by):
    """Staff lift one rule of the call for this dossier, with a reason; the row is the audit (who, when, why).

    Only the rules in `eligibility.LIFTABLE_RULES`; once per dossier and rule (a second time: 409).
    """
    require_staff(by)
    if rule not in LIFTABLE_RULES:
        raise DomainError(_("Cette règle ne peut pas être levée."), code="unknown_rule", field="rule")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Indiquez pourquoi la règle est levée pour ce dossier."), code="required", field="reason")
    with transaction.atomic():
        Application.objects.select_for_update().filter(pk=application.pk).first()
        existing = application.rule_waivers.filter(rule=rule).select_related("by").first()
        if existing is not None:
            raise Conflict(
                _("La règle « %(rule)s » est déjà levée pour ce dossier (par %(who)s).")
                % {"rule": LIFTABLE_RULES[rule], "who": existing.by.get_full_name() or existing.by.email},
                code="already_lifted",
            )
        return RuleWaiver.objects.create(application=application, rule=rule, reason=reason, by=by)
