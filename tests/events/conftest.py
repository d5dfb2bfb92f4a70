import pytest

from members.models import OrganisationKind
from tests.factories import MembershipFactory, OrganisationFactory

from .factories import EventFactory, ForimFactory


@pytest.fixture
def forim(db):
    return ForimFactory()


@pytest.fixture
def event(forim):
    return EventFactory(organiser=forim, capacity=2)


@pytest.fixture
def cosim(db):
    return OrganisationFactory(kind=OrganisationKind.COSIM, name="Collectif des OSIM de Bretagne", acronym="COSIM Bretagne", region="BRE")


@pytest.fixture
def cosim_user(cosim):
    return MembershipFactory(organisation=cosim, user__email="cosim@example.org").user
