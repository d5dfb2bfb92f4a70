import datetime

import pytest

from support.models import AccompanimentAgreement
from tests.factories import MembershipFactory, OperatorFactory, OrganisationFactory


@pytest.fixture
def accompanied(association, other_association, operator_org):
    """AMF has the operator as its OPAP; PAFHA signed an agreement with it; a third association has neither."""
    association.operator = operator_org
    association.save(update_fields=["operator"])
    AccompanimentAgreement.objects.create(operator=operator_org, association=other_association,
                                          signed_on=datetime.date(2026, 10, 1), ends_on=datetime.date(2027, 12, 31))
    return [association, other_association]


@pytest.fixture
def stranger(db):
    """An association another operator accompanies."""
    other_operator = OperatorFactory(name="Autre opérateur")
    return OrganisationFactory(name="Réseau d'accompagnement des migrants vers l'emploi", acronym="RAME", operator=other_operator,
                               region="BRE")


@pytest.fixture
def other_operator_user(stranger):
    from accounts.models import Role

    return MembershipFactory(organisation=stranger.operator, user__role=Role.OPERATOR, user__email="autre-opap@example.org").user
