"""A small programme history: two past calls, dossiers in several countries, sectors and states."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Role
from grants.states import State
from members.models import MemberRole, NetworkLink, OrganisationKind
from tests.factories import ApplicationFactory, CallFactory, MembershipFactory, OrganisationFactory


def past_call(year):
    deadline = timezone.make_aware(datetime.datetime(year, 11, 18, 12, 0))
    return CallFactory(year=year, title=f"PRA/OSIM {year}", opens_at=deadline - datetime.timedelta(days=60), deadline=deadline)


@pytest.fixture
def calls(db):
    return {2024: past_call(2024), 2025: past_call(2025)}


@pytest.fixture
def programme(calls, association, other_association, operator_org):
    """Dossiers: association (accompanied by operator_org) and other_association (not accompanied)."""
    association.operator = operator_org
    association.region = "IDF"
    association.save()
    other_association.region = "PAC"
    other_association.save()
    make = ApplicationFactory
    return {
        "sn_awarded": make(call=calls[2024], organisation=association, country="SN", sector="water", status=State.CLOSED,
                           amount_requested=Decimal("12000.00"), awarded_amount=Decimal("10000.00"), score=Decimal("16.50"),
                           publish_consent=True, title="Forage à Matam", locality="Matam"),
        "ma_awarded": make(call=calls[2025], organisation=other_association, country="MA", sector="education",
                           status=State.AWARDED, amount_requested=Decimal("15000.00"), awarded_amount=Decimal("15000.00"),
                           score=Decimal("14.00"), publish_consent=False, title="École de Taroudant"),
        "ht_awarded": make(call=calls[2025], organisation=other_association, country="HT", sector="health",
                           status=State.IN_PROGRESS, amount_requested=Decimal("9000.00"), awarded_amount=Decimal("8000.00"),
                           score=Decimal("15.00"), publish_consent=True, title="Maternité de Jacmel", locality="Jacmel"),
        "sn_rejected": make(call=calls[2025], organisation=association, country="SN", sector="water", status=State.REJECTED,
                            amount_requested=Decimal("14000.00"), score=Decimal("9.00"), publish_consent=True),
        "km_review": make(call=calls[2025], organisation=association, country="KM", sector="health",
                          status=State.UNDER_REVIEW, amount_requested=Decimal("5000.00")),
        "draft": make(call=calls[2025], organisation=association, country="ML", sector="rural", status=State.DRAFT,
                      amount_requested=Decimal("99999.00")),
    }


@pytest.fixture
def coordinator(other_association):
    federation = OrganisationFactory(kind=OrganisationKind.FOSIM, name="Fédération des Haïtiens de France")
    NetworkLink.objects.create(member=other_association, network=federation)
    return MembershipFactory(organisation=federation, role=MemberRole.ADMIN, user__role=Role.COORDINATOR,
                             user__email="coordination@example.org").user
