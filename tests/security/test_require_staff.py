"""The one staff guard of the services: `by=None` (the system) passes only when the caller says so."""

import pytest

from access.permissions import require_staff
from forim_portal.errors import DomainError

pytestmark = pytest.mark.django_db


def test_staff_passes(staff_user):
    require_staff(staff_user)


def test_others_and_an_absent_actor_are_refused(applicant):
    for by in (applicant, None):
        with pytest.raises(DomainError) as refusal:
            require_staff(by)
        assert refusal.value.status == 403 and refusal.value.message == "Réservé à l'équipe du FORIM."


def test_the_system_passes_only_when_said():
    require_staff(None, system=True)
