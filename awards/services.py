"""Business rules after an award. Views, the API, the admin, tasks and workflow hooks call these."""

import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_countries import countries

from access.permissions import has_perm, require_staff
from forim_portal.errors import DomainError
from forim_portal.money import parse_amount, parse_percent, parse_split, percent_of, split_amount
from grants import workflow
from grants.models import Application
from grants.states import FUNDED_STATES, State
from lifecycle.engine import described, fire
from members.models import OrganisationKind

from .models import (
    ZERO,
    Agreement,
    CofinancingRule,
    Payment,
    Report,
    ReportKind,
    ReportSpending,
    ReportStatus,
    TopUp,
    Tranche,
)

DEFAULT_SPLIT = [Decimal(100)]
DEFAULT_DURATION_MONTHS = 12
FINAL_REPORT_DELAY_MONTHS = 2
PAYABLE_STATES = {State.AGREEMENT_SIGNED, State.IN_PROGRESS}
REPORTING_STATES = {State.AWARDED, State.AGREEMENT_SIGNED, State.IN_PROGRESS}


# --- Follow-up skeleton: agreement, reports, schedule -------------------------------------


def _shares(call):
    """The call's schedule (checked again: a split saved before the rules existed is refused, not guessed)."""
    return parse_split(call.tranche_split) if call.tranche_split else list(DEFAULT_SPLIT)


def _due_dates(application, count_interim):
    start = application.start_date or timezone.localdate()
    months = application.duration_months or DEFAULT_DURATION_MONTHS
    interim = [start + relativedelta(months=round(months * rank / (count_interim + 1))) for rank in range(1, count_interim + 1)]
    return interim, start + relativedelta(months=months + FINAL_REPORT_DELAY_MONTHS)


def ensure_follow_up(*, application):
    """Create what an awarded dossier needs, once: agreement, reports, payment schedule, top-ups.

    Re-runnable: it only adds what is missing and re-splits a schedule nobody has paid on yet
    when the awarded amount changed.
    """
    if application.status not in FUNDED_STATES:
        return None
    with transaction.atomic():
        agreement, _created = Agreement.objects.get_or_create(application=application)
        shares = _shares(application.call)
        interim_dates, final_date = _due_dates(application, len(shares) - 1)
        interims = [
            Report.objects.get_or_create(application=application, kind=ReportKind.INTERIM, number=rank, defaults={"due_on": due})[0]
            for rank, due in enumerate(interim_dates, start=1)
        ]
        Report.objects.get_or_create(application=application, kind=ReportKind.FINAL, number=1, defaults={"due_on": final_date})
        if application.awarded_amount is not None:
            _sync_schedule(application, shares, interims)
        compute_top_ups(application=application)
    return agreement


def _sync_schedule(application, shares, interims):
    tranches = list(application.tranches.all())
    amounts = split_amount(application.awarded_amount, shares)
    if tranches and sum((t.amount for t in tranches), ZERO) == sum(amounts, ZERO):
        return
    if Payment.objects.filter(tranche__application=application).exists():
        return  # money already left: staff adjust by hand, never silently
    application.tranches.all().delete()
    Tranche.objects.bulk_create([
        Tranche(
            application=application, number=rank, share=share, amount=amount,
            requires_report=interims[rank - 2] if rank > 1 else None,
        )
        for rank, (share, amount) in enumerate(zip(shares, amounts, strict=True), start=1)
    ])


@described(_lazy("Crée le suivi (convention, échéancier, rapports) et prépare la convention en PDF"))
def on_award(application, record):
    """Workflow effect of "award": build the follow-up and queue the agreement PDF."""
    ensure_follow_up(application=application)
    if application.awarded_amount is not None:
        from documents.services import request_document

        request_document(kind="agreement", target=application, user=record.by, check_permission=False)


@described(_lazy("Date la convention signée et note qui l'a enregistrée"))
def on_sign_agreement(application, record):
    Agreement.objects.filter(application=application, signed_at__isnull=True).update(signed_at=timezone.now(), signed_by=record.by)


@described(_lazy("Le rapport final est approuvé"))
def closing_guard(application, user, comment):
    """A project closes only once its final report is approved."""
    if not application.reports.filter(kind=ReportKind.FINAL, status=ReportStatus.APPROVED).exists():
        raise DomainError(_("Le projet ne peut être clôturé qu'après l'approbation du rapport final."), code="final_report_missing")


def close_project(*, application, by, comment=""):
    return workflow.fire(application, "close", by=by, comment=comment)


# --- Agreement -----------------------------------------------------------------------------


def mark_agreement_sent(*, application, by):
    require_staff(by)
    agreement = ensure_follow_up(application=application)
    if agreement is None:
        raise DomainError(_("Ce dossier n'est pas lauréat : il n'a pas de convention."), code="not_awarded")
    if agreement.signed_at:
        raise DomainError(_("La convention est déjà signée."), code="already_signed")
    first_time = agreement.sent_at is None
    agreement.sent_at = timezone.now()
    agreement.sent_by = by
    agreement.save(update_fields=["sent_at", "sent_by"])
    if first_time:  # noted twice, told once
        _tell_agreement(application, "sent", audiences={"applicant"})
    return agreement


def return_signed_agreement(*, application, signed_file, by):
    """The association returns the agreement signed, from its dossier; FORIM then checks and records it."""
    if not has_perm(by, "grants.change_application", application):
        raise DomainError(_("Seule l'association porteuse peut renvoyer la convention signée."), code="forbidden", status=403)
    if application.status != State.AWARDED:
        raise DomainError(_("La convention de ce dossier est déjà enregistrée comme signée."), code="already_signed")
    if not signed_file:
        raise DomainError(_("Joignez la convention signée (PDF)."), code="file_required", field="signed_file")
    with transaction.atomic():
        agreement = ensure_follow_up(application=application)
        agreement.signed_file.save(signed_file.name, signed_file, save=False)
        agreement.save(update_fields=["signed_file"])
        _tell_agreement(application, "returned", audiences={"staff"})
    return agreement


def _tell_agreement(application, event, *, audiences):
    from grants.notifications import recipients_for
    from outbox.mail import send_mail

    send_mail(
        to=recipients_for(application, audiences),
        subject_template="awards/email/agreement_subject.txt",
        body_template="awards/email/agreement_body.txt",
        context={"application": application, "event": event},
    )


def record_signed_agreement(*, application, signed_file, by):
    """Store the signed copy and move the dossier to "convention signée"."""
    require_staff(by)
    if application.status != State.AWARDED:
        raise DomainError(
            _("La convention signée ne peut être enregistrée que pour un dossier lauréat non encore conventionné."),
            code="not_awarded",
        )
    with transaction.atomic():
        agreement = ensure_follow_up(application=application)
        if signed_file:
            agreement.signed_file.save(signed_file.name, signed_file, save=False)
        elif not agreement.signed_file:  # staff confirm the copy the association returned, or attach one
            raise DomainError(_("Joignez la convention signée (PDF)."), code="file_required", field="signed_file")
        agreement.sent_at = agreement.sent_at or timezone.now()
        agreement.save(update_fields=["signed_file", "sent_at"])
        workflow.fire(application, "sign_agreement", by=by, expected_state=State.AWARDED)
    agreement.refresh_from_db()
    return agreement


# --- Payments ------------------------------------------------------------------------------


def tranche_paid(tranche):
    return tranche.payments.aggregate(total=Sum("amount"))["total"] or ZERO


def tranche_blocker(tranche):
    """Why this tranche cannot be paid now (a French sentence), or None."""
    if tranche.application.status not in PAYABLE_STATES:
        return _("Les versements commencent après la signature de la convention.")
    report = tranche.requires_report
    if report is not None and report.status != ReportStatus.APPROVED:
        return _("Cette tranche sera versée après l'approbation du %(report)s.") % {"report": str(report).lower()}
    return None


def record_payment(*, tranche, paid_on, amount, reference, by):
    """Record a transfer. The amount is read exactly (sub-cent refused) and must be positive; it never
    exceeds what is left on the tranche nor what is left of the award. The first one starts the project.

    The dossier row is locked before the payments are summed, so two staff members (or twenty
    requests) recording at the same instant are served one after the other, never both paid.
    """
    require_staff(by)
    amount = parse_amount(amount, allow_zero=False)
    reference = (reference or "").strip()
    if not reference:
        raise DomainError(_("Indiquez la référence du virement."), code="reference_required", field="reference")
    paid_on = _payment_date(paid_on)
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=tranche.application_id)
        tranche = Tranche.objects.select_related("requires_report").get(pk=tranche.pk)
        tranche.application = application
        blocker = tranche_blocker(tranche)
        if blocker:
            raise DomainError(blocker, code="tranche_locked")
        left = tranche.amount - tranche_paid(tranche)
        if amount > left:
            raise DomainError(
                _("Versement refusé : il reste %(left)s à verser sur cette tranche, vous en indiquez %(amount)s.")
                % {"left": _format(max(left, ZERO)), "amount": _format(amount)},
                code="overpayment", field="amount",
            )
        left = award_left(application)
        if amount > left:
            raise DomainError(
                _("Versement refusé : il reste %(left)s à verser sur le montant attribué, vous en indiquez %(amount)s.")
                % {"left": _format(max(left, ZERO)), "amount": _format(amount)},
                code="overpayment", field="amount",
            )
        payment = Payment.objects.create(tranche=tranche, paid_on=paid_on, amount=amount, reference=reference, recorded_by=by)
        if application.status == State.AGREEMENT_SIGNED:
            workflow.fire(application, "start_project", by=by, comment=reference)  # shown as "Premier versement : <ref>" in the reader's language
    return payment


def award_left(application):
    """What is left to pay of the award: the awarded amount less every payment on the dossier."""
    paid = Payment.objects.filter(tranche__application=application).aggregate(total=Sum("amount"))["total"] or ZERO
    return (application.awarded_amount or ZERO) - paid


def _payment_date(paid_on):
    if isinstance(paid_on, str):
        try:
            paid_on = datetime.date.fromisoformat(paid_on)
        except ValueError:
            raise DomainError(_("Date invalide : utilisez le format AAAA-MM-JJ."), code="bad_date", field="paid_on") from None
    if paid_on is None or paid_on > timezone.localdate():
        raise DomainError(_("La date du virement ne peut pas être dans le futur."), code="bad_date", field="paid_on")
    return paid_on


def _format(amount):
    from forim_portal.formats import format_amount

    return format_amount(amount)


# --- Reports -------------------------------------------------------------------------------


def check_reportable(report, user=None, comment=""):
    """The project still expects reports (awarded, agreement signed or in progress)."""
    if report.application.status not in REPORTING_STATES:
        raise DomainError(
            _("Ce projet n'est pas en cours : il n'attend pas de rapport (statut « %(state)s »).")
            % {"state": State(report.application.status).label},
            code="not_reportable",
        )


check_reportable.description = _lazy("Le projet attend des rapports (lauréat, conventionné ou en cours).")


def check_report_complete(report, user=None, comment=""):
    """The narrative and, for the final report, the contribution certificates are there."""
    missing = []
    if not report.narrative:
        missing.append(_("le rapport narratif"))
    if report.kind == ReportKind.FINAL and not report.cash_certificate:
        missing.append(_("l'attestation des apports en numéraire"))
    if report.kind == ReportKind.FINAL and report.application.in_kind > 0 and not report.in_kind_certificate:
        missing.append(_("l'attestation des apports en nature"))
    if missing:
        raise DomainError(_("Avant de remettre le rapport, ajoutez : %(items)s.") % {"items": ", ".join(missing)}, code="report_incomplete")


check_report_complete.description = _lazy(
    "Le rapport narratif est écrit ; pour le rapport final, les attestations d'apports (numéraire, nature) sont jointes."
)


def save_report(*, report, by, narrative=None, actuals=None, cash_certificate=None, in_kind_certificate=None):
    """The association fills its report in; nothing is lost between visits."""
    from .rules import can_edit_report

    if not can_edit_report(by, report.application):
        raise DomainError(_("Seule l'association porteuse peut remplir ce rapport."), code="forbidden", status=403)
    check_reportable(report)
    if not report.is_open:
        raise DomainError(_("Ce rapport a déjà été remis : il n'est plus modifiable."), code="report_locked")
    with transaction.atomic():
        if narrative is not None:
            report.narrative = narrative.strip()
        for field, upload in (("cash_certificate", cash_certificate), ("in_kind_certificate", in_kind_certificate)):
            if upload:
                getattr(report, field).save(upload.name, upload, save=False)
        report.save()
        lines = {line.pk: line for line in report.application.budget_lines.all()}
        for line_id, value in (actuals or {}).items():
            if int(line_id) not in lines:
                raise DomainError(_("Ligne budgétaire inconnue pour ce dossier."), code="bad_line")
            actual = parse_amount(value, field=f"line_{line_id}")
            ReportSpending.objects.update_or_create(report=report, budget_line_id=int(line_id), defaults={"actual": actual})
    return report


def submit_report(*, report, by):
    """The association hands its report in (awards.machines.REPORT: its guards check it is complete)."""
    from .rules import can_edit_report

    if not can_edit_report(by, report.application):
        raise DomainError(_("Seule l'association porteuse peut remettre ce rapport."), code="forbidden", status=403)
    fire(report, "submit", by=by)
    return report


def review_report(*, report, by, approve, comment=""):
    """Staff approve a submitted report, or ask for changes (with what to change)."""
    require_staff(by)
    fire(report, "approve" if approve else "request_changes", by=by, comment=comment)  # e-mails: awards.machines.REPORT
    return report


# --- Cofinancing ---------------------------------------------------------------------------


def rule_matches(rule, application):
    if not rule.is_active or rule.programme_id != application.call.programme_id:
        return False
    if rule.project_country and application.country != rule.project_country:
        return False
    diasporas = {country.code for country in application.organisation.diaspora_countries}
    return not rule.diaspora_country or rule.diaspora_country.code in diasporas


def top_up_amount(*, base, rate, cap=None):
    """rate % of base, half-up to the cent, then capped."""
    amount = percent_of(base, rate)
    return min(amount, Decimal(cap)) if cap is not None else amount


def compute_top_ups(*, application):
    """(Re)compute every partner top-up of a funded dossier; staff overrides are kept."""
    if application.status not in FUNDED_STATES or application.awarded_amount is None:
        return []
    rules = CofinancingRule.objects.filter(programme_id=application.call.programme_id, is_active=True)
    kept = []
    for rule in rules:
        existing = TopUp.objects.filter(rule=rule, application=application).first()
        if not rule_matches(rule, application):
            if existing and not existing.is_overridden:
                existing.delete()
            continue
        computed = top_up_amount(base=application.awarded_amount, rate=rule.rate, cap=rule.cap)
        if existing is None:
            existing = TopUp.objects.create(rule=rule, application=application, base=application.awarded_amount,
                                            computed_amount=computed, amount=computed)
        elif (existing.base, existing.computed_amount) != (application.awarded_amount, computed):
            existing.base, existing.computed_amount = application.awarded_amount, computed
            if not existing.is_overridden:
                existing.amount = computed
            existing.save()
        kept.append(existing)
    return kept


def check_rule(rule):
    """Every rule on a cofinancing rule, on the unsaved object: a rate between 0 and 100 %, a cap in
    euros (or none), a partner that cofinances. Normalises the rate and the cap."""
    rule.rate = parse_percent(rule.rate, field="rate")
    rule.cap = None if rule.cap in (None, "") else parse_amount(rule.cap, field="cap")
    for name in ("diaspora_country", "project_country"):
        setattr(rule, name, _country_code(vars(rule).get(name), field=name))
    if rule.partner_id is None or rule.partner.kind != OrganisationKind.PARTNER:
        raise DomainError(_("Une règle de cofinancement appartient à un partenaire cofinanceur."), code="not_partner", field="partner")
    return rule


def _country_code(value, *, field):
    """A two-letter ISO code (empty: every country). The model field would read 12 as Algeria's
    numeric code and keep [] as text, so the value is checked as it was given, before that."""
    code = "" if value is None else getattr(value, "code", value)  # a Country, or what was given
    if isinstance(code, str) and (code == "" or (len(code) == 2 and code.upper() in countries.countries)):
        return code.upper()
    raise DomainError(_("Pays inconnu : choisissez un pays de la liste (code à deux lettres, par ex. MA), ou laissez vide pour tous."),
                      code="bad_country", field=field)


def save_rule(*, by, rule=None, **fields):
    """Create or change a cofinancing rule, then apply it to every funded dossier of its programme."""
    require_staff(by)
    rule = rule or CofinancingRule()
    for name, value in fields.items():
        setattr(rule, name, value)
    check_rule(rule)
    with transaction.atomic():
        rule.save()
        apply_rule(rule=rule)
    return rule


def apply_rule(*, rule):
    funded = Application.objects.filter(call__programme_id=rule.programme_id, status__in=FUNDED_STATES).select_related(
        "call", "organisation"
    )
    for application in funded:
        compute_top_ups(application=application)


def override_top_up(*, top_up, amount, reason, by):
    """Staff set a top-up by hand; the reason and the previous amount stay in its history."""
    require_staff(by)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Indiquez le motif de la correction."), code="reason_required", field="reason")
    top_up.amount = parse_amount(amount)
    top_up.override_reason = reason
    top_up.updated_by = by
    top_up.save()
    return top_up
