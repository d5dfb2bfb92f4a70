"""The call's rules on a dossier: each failure says what to change, at the right field."""

from decimal import Decimal

import pytest

from grants.eligibility import check_application
from grants.models import ApplicationDocument, OperatorVisa
from members.models import OrganisationStatus


def failed(application):
    return {result.code: result for result in check_application(application) if not result.ok}


def test_complete_dossier_passes_every_rule(draft):
    assert failed(draft) == {}


def test_unbalanced_budget_names_the_gap(draft):
    draft.own_funds = Decimal("3000.00")
    draft.save()
    result = failed(draft)["budget_balanced"]
    assert result.field == "budget"
    assert "1\u202f000,00\u00a0€" in result.message


def test_grant_above_call_maximum(draft, call):
    call.max_grant = Decimal("10000.00")
    call.save()
    result = failed(draft)["grant_max"]
    assert result.field == "amount_requested"
    assert "10\u202f000,00\u00a0€" in result.message


def test_grant_share_compares_exact_values(draft, call):
    # 70 % of 20 000.01 = 14 000.007: a 14 000.00 grant is allowed; 14 000.01 is above 70 % (the limit is
    # compared exactly, not rounded half-up to 14 000.01 first), and the message shows the largest amount allowed
    draft.budget_lines.filter(category="in_kind").update(unit_cost=Decimal("2000.01"), amount=Decimal("2000.01"))
    draft.own_funds = Decimal("4000.00")
    draft.amount_requested = Decimal("14000.00")
    draft.in_kind = Decimal("2000.01")
    draft.save()
    assert "grant_share" not in failed(draft)
    draft.amount_requested = Decimal("14000.01")
    draft.in_kind = Decimal("2000.00")
    draft.save()
    assert "14\u202f000,00\u00a0€" in failed(draft)["grant_share"].message


def test_grant_share_70_04_of_100_05_is_above_70_percent(draft, call):
    draft.budget_lines.all().delete()
    draft.budget_lines.create(category="investment", label="Pompe", quantity=1, unit_cost=Decimal("100.05"), amount=Decimal("100.05"))
    draft.amount_requested, draft.own_funds, draft.in_kind = Decimal("70.04"), Decimal("30.01"), Decimal("0")
    draft.save()
    assert "grant_share" in failed(draft)
    draft.amount_requested, draft.own_funds = Decimal("70.03"), Decimal("30.02")
    draft.save()
    assert "grant_share" not in failed(draft)


def test_total_budget_bounds(draft, call):
    call.max_total_budget = Decimal("15000.00")
    call.save()
    assert failed(draft)["total_bounds"].field == "budget"


def test_excluded_and_not_eligible_countries(draft, call):
    call.excluded_countries = ["MA"]
    call.save()
    assert "exclu" in failed(draft)["country"].message
    call.excluded_countries = []
    call.eligible_countries = ["SN"]
    call.save()
    assert "éligibles" in failed(draft)["country"].message
    draft.country = "SN"
    draft.save()
    assert "country" not in failed(draft)


def test_sector_must_be_one_of_the_call(draft, call):
    call.sectors = ["health"]
    call.save()
    assert failed(draft)["sector"].field == "sector"


def test_association_must_be_validated_and_old_enough(draft, call, association):
    association.status = OrganisationStatus.PENDING
    association.save()
    assert failed(draft)["association_validated"].field == "association"
    association.status = OrganisationStatus.VALIDATED
    association.created_on = call.deadline.date()
    association.save()
    call.min_association_age_months = 12
    call.save()
    assert "12 mois" in failed(draft)["association_age"].message


def test_duration_above_maximum(draft, call):
    draft.duration_months = 30
    draft.save()
    assert "30 mois" in failed(draft)["duration"].message


@pytest.mark.django_db
def test_required_documents_from_the_dossier_or_the_vault(draft, call, association):
    from members.models import OrganisationDocument

    call.required_documents = ["statutes", "bank_details"]
    call.save()
    message = failed(draft)["documents"].message
    assert "Statuts" in message and "RIB" in message
    ApplicationDocument.objects.create(application=draft, doc_type="statutes", file="x.pdf")
    OrganisationDocument.objects.create(organisation=association, doc_type="bank_details", file="rib.pdf")
    assert "documents" not in failed(draft)


def test_operator_visa_required(draft, call, operator_org, operator_user):
    call.operator_visa_required = True
    call.save()
    assert failed(draft)["operator_visa"].field == "operator"
    OperatorVisa.objects.create(application=draft, operator=operator_org, decision="changes_requested", comment="Précisez le budget")
    assert "Précisez le budget" in failed(draft)["operator_visa"].message
    OperatorVisa.objects.create(application=draft, operator=operator_org, decision="granted")
    assert "operator_visa" not in failed(draft)
