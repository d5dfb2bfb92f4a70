"""A registration decision and its e-mail are one write: both are kept, or neither."""

import pytest
from django.db import transaction

from members import services
from members.models import OrganisationStatus
from outbox.models import OutboxEntry
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


class RolledBack(Exception):
    pass


@pytest.mark.parametrize(
    "decide",
    [
        lambda organisation, by: services.validate_organisation(organisation=organisation, by=by),
        lambda organisation, by: services.reject_organisation(
            organisation=organisation, by=by, reason="Pièces manquantes"
        ),
    ],
)
def test_a_decision_rolled_back_records_no_mail(staff_user, decide):
    organisation = OrganisationFactory(status=OrganisationStatus.PENDING, email="contact@amf.example.org")
    with pytest.raises(RolledBack), transaction.atomic():
        decide(organisation, staff_user)
        assert (
            OutboxEntry.objects.filter(to="contact@amf.example.org").count() == 1
        )  # recorded inside, with the decision
        raise RolledBack
    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.PENDING
    assert not OutboxEntry.objects.filter(to="contact@amf.example.org").exists()


def test_a_decision_kept_keeps_its_mail(staff_user):
    organisation = OrganisationFactory(status=OrganisationStatus.PENDING, email="contact@amf.example.org")
    services.validate_organisation(organisation=organisation, by=staff_user)
    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.VALIDATED
    assert list(OutboxEntry.objects.filter(to="contact@amf.example.org").values_list("to", flat=True)) == [
        "contact@amf.example.org"
    ]
