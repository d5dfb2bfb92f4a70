"""The staff home's counts by status lead to the table filtered on that status."""

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from grants import home
from grants.states import State
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def test_each_count_by_status_links_to_the_filtered_table(staff_user):
    ApplicationFactory(status=State.SUBMITTED)
    ApplicationFactory(status=State.SUBMITTED)
    ApplicationFactory(status=State.DRAFT)
    request = RequestFactory().get("/")
    request.user, request.organisation = staff_user, None
    section = home.staff_section(request)
    assert [(code, n) for code, _label, n in section["rows"]] == [(State.DRAFT, 1), (State.SUBMITTED, 2)]
    html = render_to_string(section["template"], {"section": section})
    assert '/instruction/dossiers/?status=submitted"' in html
    assert "?status=draft" not in html  # drafts are not in the staff table: the count is shown, not linked
