from decimal import Decimal

import pytest

from awards.models import Payment, TopUp, Tranche
from awards.services import record_payment, split_amount, top_up_amount
from forim_portal.errors import DomainError
from grants import workflow
from grants.states import State

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("total", "shares", "expected"), [
    ("15000.00", [70, 30], ["10500.00", "4500.00"]),
    ("12345.67", [70, 30], ["8641.97", "3703.70"]),
    ("100.00", [33.33, 33.33, 33.34], ["33.33", "33.33", "33.34"]),
    ("0.05", [50, 50], ["0.03", "0.02"]),
    ("10000.01", [100], ["10000.01"]),
])
def test_split_is_exact_to_the_cent_and_adds_up(total, shares, expected):
    amounts = split_amount(Decimal(total), shares)
    assert amounts == [Decimal(a) for a in expected]
    assert sum(amounts) == Decimal(total)


@pytest.mark.parametrize(("base", "rate", "cap", "expected"), [
    ("15000.00", "30", None, "4500.00"),
    ("12345.67", "30", None, "3703.70"),
    ("0.05", "30", None, "0.02"),   # 0.015 -> 0.02 half-up
    ("15000.00", "30", "4000.00", "4000.00"),
])
def test_top_up_amount_is_half_up_to_the_cent_and_capped(base, rate, cap, expected):
    assert top_up_amount(base=Decimal(base), rate=Decimal(rate), cap=Decimal(cap) if cap else None) == Decimal(expected)


def test_award_creates_agreement_schedule_reports_and_top_up(awarded, ccme_rule):
    assert awarded.status == State.AWARDED
    assert hasattr(awarded, "agreement")
    assert [(t.number, t.amount) for t in awarded.tranches.all()] == [(1, Decimal("10500.00")), (2, Decimal("4500.00"))]
    kinds = [(r.kind, r.number) for r in awarded.reports.order_by("due_on")]
    assert kinds == [("interim", 1), ("final", 1)]
    assert awarded.tranches.get(number=2).requires_report.kind == "interim"
    assert TopUp.objects.get(application=awarded).amount == Decimal("4500.00")


def test_a_rule_created_after_the_award_applies_and_odd_amounts_round_half_up(make_awarded, moroccan_association, applicant, ccme_rule):
    odd = make_awarded("12345.67", organisation=moroccan_association, applicant=applicant, title="École de Tiznit")
    assert TopUp.objects.get(application=odd).amount == Decimal("3703.70")
    assert sum(t.amount for t in odd.tranches.all()) == Decimal("12345.67")


def test_non_qualifying_dossiers_get_no_top_up(make_awarded, other_association, other_applicant, ccme_rule, moroccan_association, applicant):
    other_association.diaspora_countries = ["HT"]
    other_association.save()
    haiti = make_awarded(organisation=other_association, applicant=other_applicant, country="HT", title="Santé à Jacmel")
    morocco_elsewhere = make_awarded(organisation=moroccan_association, applicant=applicant, country="SN", title="Projet au Sénégal")
    assert not TopUp.objects.filter(application__in=[haiti, morocco_elsewhere]).exists()


def sign(application, staff_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from awards.services import record_signed_agreement

    return record_signed_agreement(application=application, by=staff_user,
                                   signed_file=SimpleUploadedFile("convention.pdf", b"%PDF-1.4 signed", content_type="application/pdf"))


def test_payments_start_the_project_and_overpaying_is_refused(awarded, staff_user, django_capture_on_commit_callbacks):
    first, second = awarded.tranches.all()
    with pytest.raises(DomainError, match="signature de la convention"):
        record_payment(tranche=first, paid_on="2026-02-01", amount="1000", reference="VIR-0", by=staff_user)
    sign(awarded, staff_user)
    awarded.refresh_from_db()
    assert awarded.status == State.AGREEMENT_SIGNED and awarded.agreement.signed_at
    record_payment(tranche=first, paid_on="2026-02-01", amount="10000.00", reference="VIR-1", by=staff_user)
    awarded.refresh_from_db()
    assert awarded.status == State.IN_PROGRESS
    assert awarded.transitions.filter(name="start_project").count() == 1
    with pytest.raises(DomainError, match="il reste 500,00\u00a0€"):
        record_payment(tranche=first, paid_on="2026-02-02", amount="500.01", reference="VIR-2", by=staff_user)
    record_payment(tranche=first, paid_on="2026-02-02", amount="500.00", reference="VIR-2", by=staff_user)
    with pytest.raises(DomainError, match="rapport intermédiaire"):
        record_payment(tranche=second, paid_on="2026-02-03", amount="1", reference="VIR-3", by=staff_user)
    assert Payment.objects.filter(tranche__application=awarded).count() == 2
    assert awarded.transitions.filter(name="start_project").count() == 1


@pytest.mark.parametrize(("amount", "reference", "paid_on", "message"), [
    ("0", "VIR", "2026-02-01", "positif"),
    ("-5", "VIR", "2026-02-01", "positif"),
    ("abc", "VIR", "2026-02-01", "Montant invalide"),
    ("10", "", "2026-02-01", "référence"),
    ("10", "VIR", "2999-01-01", "futur"),
    ("10", "VIR", "01/02/2026", "AAAA-MM-JJ"),
])
def test_bad_payment_input_is_refused_in_french(awarded, staff_user, amount, reference, paid_on, message):
    sign(awarded, staff_user)
    with pytest.raises(DomainError, match=message):
        record_payment(tranche=awarded.tranches.first(), paid_on=paid_on, amount=amount, reference=reference, by=staff_user)


def test_only_staff_record_payments(awarded, staff_user, applicant):
    sign(awarded, staff_user)
    with pytest.raises(DomainError) as refused:
        record_payment(tranche=awarded.tranches.first(), paid_on="2026-02-01", amount="10", reference="X", by=applicant)
    assert refused.value.status == 403


def test_schedule_follows_a_changed_award_until_money_leaves(awarded, staff_user):
    from awards.services import ensure_follow_up

    awarded.awarded_amount = Decimal("9999.99")
    awarded.save(update_fields=["awarded_amount"])
    ensure_follow_up(application=awarded)
    assert [t.amount for t in Tranche.objects.filter(application=awarded)] == [Decimal("6999.99"), Decimal("3000.00")]


def test_closing_needs_an_approved_final_report(awarded, staff_user):
    sign(awarded, staff_user)
    record_payment(tranche=awarded.tranches.first(), paid_on="2026-02-01", amount="100", reference="V", by=staff_user)
    awarded.refresh_from_db()
    with pytest.raises(DomainError, match="rapport final"):
        workflow.fire(awarded, "close", by=staff_user)
    final = awarded.reports.get(kind="final")
    final.status = "approved"
    final.save()
    workflow.fire(awarded, "close", by=staff_user)
    assert awarded.status == State.CLOSED
