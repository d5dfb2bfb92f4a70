"""Business rules after an award. Views, the API, the admin, tasks and workflow hooks call these."""

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from forim_portal.errors import DomainError
from grants import workflow
from grants.models import Application
from grants.states import FUNDED_STATES, State
from members.models import OrganisationKind
from outbox.services import send_after_commit

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

CENT = Decimal("0.01")
DEFAULT_SPLIT = [100]
DEFAULT_DURATION_MONTHS = 12
FINAL_REPORT_DELAY_MONTHS = 2
PAYABLE_STATES = {State.AGREEMENT_SIGNED, State.IN_PROGRESS}
REPORTING_STATES = {State.AWARDED, State.AGREEMENT_SIGNED, State.IN_PROGRESS}


def to_cents(value):
    """Half-up to the cent: the one rounding every share in this app uses."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def parse_money(value, *, field="amount"):
    try:
        amount = to_cents(str(value).replace(" ", "").replace("\u202f", "").replace(",", "."))
    except (InvalidOperation, ValueError, TypeError):
        raise DomainError(_("Montant invalide : indiquez un nombre en euros, par ex. 1500,00."), code="bad_amount", field=field) from None
    if not amount.is_finite() or abs(amount) >= Decimal("1e10"):
        raise DomainError(_("Montant hors limites."), code="bad_amount", field=field)
    return amount


def split_amount(total, shares):
    """Amounts for each share (%) of `total`, half-up to the cent; the last takes the remainder."""
    total = to_cents(total)
    amounts = [to_cents(total * Decimal(str(share)) / 100) for share in shares[:-1]]
    return [*amounts, total - sum(amounts, ZERO)]


def _require_staff(user):
    if user is not None and not user.is_forim_staff:
        raise DomainError(_("Seule l'équipe du FORIM peut faire cette action."), code="forbidden", status=403)


# --- Follow-up skeleton: agreement, reports, schedule -------------------------------------


def _shares(call):
    shares = [Decimal(str(share)) for share in (call.tranche_split or []) if Decimal(str(share)) > 0]
    return shares or [Decimal(share) for share in DEFAULT_SPLIT]


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
    if tranches and sum((t.amount for t in tranches), ZERO) == to_cents(application.awarded_amount):
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


def on_award(application, record):
    """Workflow effect of "award": build the follow-up and queue the agreement PDF."""
    ensure_follow_up(application=application)
    if application.awarded_amount is not None:
        from documents.services import request_document

        request_document(kind="agreement", target=application, user=record.by, check_permission=False)


def on_sign_agreement(application, record):
    Agreement.objects.filter(application=application, signed_at__isnull=True).update(signed_at=timezone.now(), signed_by=record.by)


def closing_guard(application, user, comment):
    """A project closes only once its final report is approved."""
    if not application.reports.filter(kind=ReportKind.FINAL, status=ReportStatus.APPROVED).exists():
        raise DomainError(_("Le projet ne peut être clôturé qu'après l'approbation du rapport final."), code="final_report_missing")


def close_project(*, application, by, comment=""):
    return workflow.fire(application, "close", by=by, comment=comment)


# --- Agreement -----------------------------------------------------------------------------


def mark_agreement_sent(*, application, by):
    _require_staff(by)
    agreement = ensure_follow_up(application=application)
    if agreement is None:
        raise DomainError(_("Ce dossier n'est pas lauréat : il n'a pas de convention."), code="not_awarded")
    if agreement.signed_at:
        raise DomainError(_("La convention est déjà signée."), code="already_signed")
    agreement.sent_at = timezone.now()
    agreement.sent_by = by
    agreement.save(update_fields=["sent_at", "sent_by"])
    return agreement


def record_signed_agreement(*, application, signed_file, by):
    """Store the signed copy and move the dossier to "convention signée"."""
    _require_staff(by)
    if application.status != State.AWARDED:
        raise DomainError(
            _("La convention signée ne peut être enregistrée que pour un dossier lauréat non encore conventionné."),
            code="not_awarded",
        )
    with transaction.atomic():
        agreement = ensure_follow_up(application=application)
        agreement.signed_file.save(signed_file.name, signed_file, save=False)
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
    """Record a transfer; never more than what is left on the tranche. The first one starts the project."""
    _require_staff(by)
    amount = parse_money(amount)
    reference = (reference or "").strip()
    if amount <= 0:
        raise DomainError(_("Le montant d'un versement doit être positif."), code="bad_amount", field="amount")
    if not reference:
        raise DomainError(_("Indiquez la référence du virement."), code="reference_required", field="reference")
    if isinstance(paid_on, str):
        try:
            paid_on = datetime.date.fromisoformat(paid_on)
        except ValueError:
            raise DomainError(_("Date invalide : utilisez le format AAAA-MM-JJ."), code="bad_date", field="paid_on") from None
    if paid_on is None or paid_on > timezone.localdate():
        raise DomainError(_("La date du virement ne peut pas être dans le futur."), code="bad_date", field="paid_on")
    with transaction.atomic():
        tranche = Tranche.objects.select_for_update(of=("self",)).select_related("application", "requires_report").get(pk=tranche.pk)
        blocker = tranche_blocker(tranche)
        if blocker:
            raise DomainError(blocker, code="tranche_locked")
        left = tranche.amount - tranche_paid(tranche)
        if amount > left:
            raise DomainError(
                _("Versement refusé : il reste %(left)s € à verser sur cette tranche, vous en indiquez %(amount)s €.")
                % {"left": _format(left), "amount": _format(amount)},
                code="overpayment", field="amount",
            )
        payment = Payment.objects.create(tranche=tranche, paid_on=paid_on, amount=amount, reference=reference, recorded_by=by)
        if tranche.application.status == State.AGREEMENT_SIGNED:
            workflow.fire(tranche.application, "start_project", by=by, comment=_("Premier versement : %(ref)s") % {"ref": reference})
    return payment


def _format(amount):
    return f"{amount:,.2f}".replace(",", "\u202f").replace(".", ",")


# --- Reports -------------------------------------------------------------------------------


def _check_reportable(report):
    if report.application.status not in REPORTING_STATES:
        raise DomainError(
            _("Ce projet n'est pas en cours : il n'attend pas de rapport (statut « %(state)s »).")
            % {"state": State(report.application.status).label},
            code="not_reportable",
        )


def save_report(*, report, by, narrative=None, actuals=None, cash_certificate=None, in_kind_certificate=None):
    """The association fills its report in; nothing is lost between visits."""
    from .rules import can_edit_report

    if not can_edit_report(by, report.application):
        raise DomainError(_("Seule l'association porteuse peut remplir ce rapport."), code="forbidden", status=403)
    _check_reportable(report)
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
            actual = parse_money(value, field=f"line_{line_id}")
            if actual < 0:
                raise DomainError(_("Une dépense ne peut pas être négative."), code="bad_amount", field=f"line_{line_id}")
            ReportSpending.objects.update_or_create(report=report, budget_line_id=int(line_id), defaults={"actual": actual})
    return report


def submit_report(*, report, by):
    from .rules import can_edit_report

    if not can_edit_report(by, report.application):
        raise DomainError(_("Seule l'association porteuse peut remettre ce rapport."), code="forbidden", status=403)
    _check_reportable(report)
    if not report.is_open:
        raise DomainError(_("Ce rapport a déjà été remis."), code="report_locked")
    missing = []
    if not report.narrative:
        missing.append(_("le rapport narratif"))
    if report.kind == ReportKind.FINAL and not report.cash_certificate:
        missing.append(_("l'attestation des apports en numéraire"))
    if report.kind == ReportKind.FINAL and report.application.in_kind > 0 and not report.in_kind_certificate:
        missing.append(_("l'attestation des apports en nature"))
    if missing:
        raise DomainError(_("Avant de remettre le rapport, ajoutez : %(items)s.") % {"items": ", ".join(missing)}, code="report_incomplete")
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = timezone.now()
    report.submitted_by = by
    report.save(update_fields=["status", "submitted_at", "submitted_by"])
    _notify(report, "submitted")
    return report


def review_report(*, report, by, approve, comment=""):
    """Staff approve a submitted report, or ask for changes (with what to change)."""
    _require_staff(by)
    comment = (comment or "").strip()
    if report.status != ReportStatus.SUBMITTED:
        raise DomainError(_("Seul un rapport remis peut être examiné."), code="not_submitted")
    if not approve and not comment:
        raise DomainError(_("Indiquez les compléments attendus."), code="comment_required", field="comment")
    report.status = ReportStatus.APPROVED if approve else ReportStatus.CHANGES_REQUESTED
    report.reviewed_at = timezone.now()
    report.reviewed_by = by
    report.review_comment = comment
    report.save(update_fields=["status", "reviewed_at", "reviewed_by", "review_comment"])
    _notify(report, "approved" if approve else "changes_requested")
    return report


def _notify(report, event):
    from .tasks import send_report_email

    send_after_commit(send_report_email, report.pk, event)


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
    amount = to_cents(to_cents(base) * Decimal(rate) / 100)
    return min(amount, to_cents(cap)) if cap is not None else amount


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


def save_rule(*, by, rule=None, **fields):
    """Create or change a cofinancing rule, then apply it to every funded dossier of its programme."""
    _require_staff(by)
    rule = rule or CofinancingRule()
    for name, value in fields.items():
        setattr(rule, name, value)
    rate = rule.rate
    if rate is None or not Decimal(0) <= Decimal(rate) <= Decimal(100):
        raise DomainError(_("Le taux doit être compris entre 0 et 100 %."), code="bad_rate", field="rate")
    if rule.cap is not None and Decimal(rule.cap) < 0:
        raise DomainError(_("Le plafond ne peut pas être négatif."), code="bad_cap", field="cap")
    if rule.partner.kind != OrganisationKind.PARTNER:
        raise DomainError(_("Une règle de cofinancement appartient à un partenaire cofinanceur."), code="not_partner", field="partner")
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
    _require_staff(by)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Indiquez le motif de la correction."), code="reason_required", field="reason")
    amount = parse_money(amount)
    if amount < 0:
        raise DomainError(_("Le complément ne peut pas être négatif."), code="bad_amount", field="amount")
    top_up.amount = amount
    top_up.override_reason = reason
    top_up.updated_by = by
    top_up.save()
    return top_up
