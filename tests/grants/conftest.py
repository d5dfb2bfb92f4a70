import datetime
from decimal import Decimal

import pytest

from grants.models import BudgetLine
from tests.factories import ApplicationFactory, CallFactory, ProgrammeFactory


@pytest.fixture
def call(db):
    return CallFactory(programme=ProgrammeFactory(code="PRA"), year=2026, title="Appel PRA/OSIM 2026")


def complete(application):
    """Fill a dossier so that every rule of a permissive call passes: 20 000 € budget, 14 000 € grant (70 %)."""
    application.title = "Adduction d'eau potable à Tafraout"
    application.country = "MA"
    application.sector = "water"
    application.duration_months = 12
    application.start_date = datetime.date(2027, 3, 1)
    application.amount_requested = Decimal("14000.00")
    application.own_funds = Decimal("4000.00")
    application.in_kind = Decimal("2000.00")
    application.save()
    BudgetLine.objects.create(application=application, category="investment", label="Forage et pompe solaire", quantity=1, unit_cost=Decimal("18000.00"), amount=Decimal("18000.00"))
    BudgetLine.objects.create(application=application, category="in_kind", label="Main-d'œuvre des habitants", quantity=1, unit_cost=Decimal("2000.00"), amount=Decimal("2000.00"))
    return application


@pytest.fixture
def draft(call, association, applicant):
    return complete(ApplicationFactory(call=call, organisation=association, created_by=applicant))


@pytest.fixture
def other_draft(call, other_association, other_applicant):
    application = complete(ApplicationFactory(call=call, organisation=other_association, created_by=other_applicant))
    application.title = "Centre de santé à Jacmel"
    application.country = "HT"
    application.save()
    return application
