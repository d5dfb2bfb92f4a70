import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role
from members.models import MemberRole, NetworkLink, OrganisationKind
from tests.factories import MembershipFactory, OrganisationFactory

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def pdf(name="statuts.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def collective(db):
    return OrganisationFactory(kind=OrganisationKind.COSIM, name="Collectif des OSIM de Bretagne", acronym="COSIM Bretagne")


@pytest.fixture
def coordinator(collective):
    return MembershipFactory(
        organisation=collective, role=MemberRole.ADMIN, user__role=Role.COORDINATOR, user__email="coord@example.org"
    ).user


@pytest.fixture
def network_member(collective):
    """An association of the coordinator's collective."""
    organisation = OrganisationFactory(name="Réseau d'accompagnement des migrants vers l'emploi", acronym="RAME")
    NetworkLink.objects.create(member=organisation, network=collective, since=datetime.date(2015, 1, 1))
    return organisation
