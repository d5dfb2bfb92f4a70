"""The application steps show the portal's one error summary (templates/includes/error_summary.html) after a
refused save, and none on a step simply opened."""

import re

from django.urls import reverse

from tests.conftest import login


def test_a_refused_budget_lists_the_field_at_the_top_and_an_opened_step_shows_nothing(client, draft, applicant):
    login(client, applicant)
    url = reverse("grants:application_edit", args=[draft.pk, "budget"])
    opened = client.get(url).content.decode()
    assert "Il y a un problème" not in opened
    data = {
        "lock_version": draft.lock_version,
        "lines-TOTAL_FORMS": 0,
        "lines-INITIAL_FORMS": 0,
        "amount_requested": "14 000",
        "own_funds": "1 000,50",
        "other_funders": "0,005",  # in_kind is no longer typed (computed from the budget's in-kind lines)
    }
    body = client.post(url, data).content.decode()
    summary = re.search(r"data-error-summary>(.*?)</div>", body, re.S).group(1)
    assert re.findall(r'<a href="#([^"]+)">', summary) == ["id_other_funders"]
    assert "deux chiffres après la virgule" in summary
