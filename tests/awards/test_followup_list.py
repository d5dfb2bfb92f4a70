"""The follow-up list cuts its page on ids, then reads the page's rows (issue 15): every funded dossier shows
once, in the list's order (newest reference first), with its status and link, page after page."""

from decimal import Decimal

import pytest
from django.urls import reverse

from grants.states import State
from tests.conftest import login
from tests.factories import ApplicationFactory, CallFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def funded_across_calls(db):
    older, newer = CallFactory(year=2023), CallFactory(year=2025)
    zeta, alpha = OrganisationFactory(name="Zêta Solidarité", acronym=""), OrganisationFactory(name="Alpha Diaspora")
    statuses = [State.AWARDED, State.AGREEMENT_SIGNED, State.IN_PROGRESS, State.CLOSED]
    rows = [
        ApplicationFactory(
            call=call,
            organisation=organisation,
            status=statuses[n % 4],
            awarded_amount=Decimal("5000.00"),
            title=f"Projet {n}",
            reference=f"PRA-{call.year}-{n + 1:04d}",
        )
        for n, (call, organisation) in enumerate(
            [(newer, zeta), (older, zeta), (newer, alpha), (older, alpha), (older, zeta)]
        )
    ]
    ApplicationFactory(call=older, organisation=alpha, status=State.UNDER_REVIEW, title="Pas financé")
    return rows


def test_pages_show_every_funded_dossier_once_in_the_list_order(funded_across_calls, staff_user, client, monkeypatch):
    monkeypatch.setattr("awards.views.PAGE_SIZE", 2)
    login(client, staff_user)
    shown, pages = [], []
    for number in (1, 2, 3):
        response = client.get(reverse("awards:followup"), {"page": number})
        pages.append(response.content.decode())
        shown += list(response.context["applications"])
    expected = sorted(funded_across_calls, key=lambda a: a.reference, reverse=True)
    assert [a.pk for a in shown] == [a.pk for a in expected]
    for row, html in zip(shown, [page for page in pages for _ in range(2)], strict=False):
        assert f'<a href="{reverse("awards:detail", args=[row.pk])}">{row.title}</a>' in html
        assert f'<span class="badge">{row.get_status_display()}</span>' in html
    assert "Pas financé" not in "".join(pages)
    # the association's acronym, else its name, then the reference
    zeta_row = next(a for a in shown if a.organisation.name == "Zêta Solidarité")
    assert f'<span class="muted">Zêta Solidarité · {zeta_row.reference or ""}</span>' in "".join(pages)


def test_rows_written_in_python_escape_what_people_typed(staff_user, client):
    organisation = OrganisationFactory(name='Femmes & "Avenir"', acronym="<F&A>")
    ApplicationFactory(
        organisation=organisation,
        status=State.IN_PROGRESS,
        awarded_amount=Decimal("1234.50"),
        title="Eau <potable> & assainissement",
    )
    login(client, staff_user)
    html = client.get(reverse("awards:followup")).content.decode()
    assert "Eau &lt;potable&gt; &amp; assainissement</a>" in html
    assert '<span class="muted">&lt;F&amp;A&gt; · ' in html
    assert "<potable>" not in html and "<F&A>" not in html
    assert '<td class="num">1\u202f234,50\u00a0€</td>' in html
