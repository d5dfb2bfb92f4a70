"""The members import writes through the registry's service: the checks of the pages, the history's author."""

import pytest

from forim_portal.errors import DomainError
from members.importer import apply_import, check_rows
from members.models import Organisation

pytestmark = pytest.mark.django_db

GOOD = {
    "rna": "W751000999",
    "name": "Association des Maliens de Montreuil",
    "kind": "OSIM",
    "city": "Montreuil",
    "postcode": "93100",
    "diaspora_countries": "Mali",
    "intervention_countries": "Mali",
}


def test_a_row_the_pages_refuse_is_shown_in_the_preview_and_nothing_is_imported(staff_user):
    rows = [GOOD, {**GOOD, "rna": "W751000998", "website": "pas un site"}]
    checks = check_rows(rows)
    assert [bool(check.errors) for check in checks] == [False, True]
    assert "URL" in " ".join(checks[1].errors)
    with pytest.raises(DomainError):
        apply_import(raw_rows=rows, by=staff_user)
    assert not Organisation.objects.filter(rna__in=["W751000999", "W751000998"]).exists()


def test_valid_rows_are_saved_by_the_service_with_their_author(staff_user):
    counts = apply_import(raw_rows=[GOOD], by=staff_user)
    assert counts["create"] == 1
    organisation = Organisation.objects.get(rna="W751000999")
    assert organisation.department == "93" and [c.code for c in organisation.diaspora_countries] == ["ML"]
    assert organisation.history.get().history_user == staff_user


def test_only_staff_import(applicant):
    with pytest.raises(DomainError) as refusal:
        apply_import(raw_rows=[GOOD], by=applicant)
    assert refusal.value.status == 403
    assert not Organisation.objects.filter(rna="W751000999").exists()
