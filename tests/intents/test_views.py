"""The pages of a two-stage call as every role: the call page's two stages, the statement's page, its form,
staff's list with filters and the decision buttons, the home sections, the full dossier refused then pre-filled."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Role
from grants.models import Application
from intents.models import IntentStatus, StatementOfIntent
from members.models import MemberRole, OrganisationKind
from tests.conftest import login
from tests.factories import MembershipFactory, OperatorFactory, OrganisationFactory

from .conftest import GOOD, statement

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(association, applicant, other_applicant, staff_user, reviewer):
    operator = OperatorFactory(name="Migrations & Développement")
    association.operator = operator
    association.save(update_fields=["operator"])
    partner = OrganisationFactory(kind=OrganisationKind.PARTNER, name="CCME", rna=None)
    return {
        "owner": applicant,
        "other_association": other_applicant,
        "operator": MembershipFactory(organisation=operator, user__role=Role.OPERATOR).user,
        "other_operator": MembershipFactory(organisation=OperatorFactory(), user__role=Role.OPERATOR).user,
        "reviewer": reviewer,
        "partner": MembershipFactory(organisation=partner, user__role=Role.PARTNER).user,
        "staff": staff_user,
    }


def get_as(client, user, url):
    client.logout()
    if user:
        login(client, user)
    return client.get(url)


def test_the_statement_page_as_every_role(client, call, association, people):
    mine = statement(call, association, status=IntentStatus.SUBMITTED)
    url = reverse("intents:detail", args=[mine.pk])
    expected = {
        "owner": 200,
        "operator": 200,
        "staff": 200,
        "other_association": 404,
        "other_operator": 404,
        "reviewer": 404,
        "partner": 404,
    }
    for role, code in expected.items():
        response = get_as(client, people[role], url)
        assert response.status_code == code, role
        if code == 200:
            assert GOOD["title"] in response.content.decode()
    client.logout()
    assert client.get(url).status_code == 302


def test_the_api_shows_each_role_exactly_its_statements(client, call, association, other_association, people):
    mine = statement(call, association)
    theirs = statement(call, other_association, title="École à Jacmel")
    expected = {
        "owner": {mine.pk},
        "operator": {mine.pk},
        "staff": {mine.pk, theirs.pk},
        "other_association": {theirs.pk},
        "other_operator": set(),
        "reviewer": set(),
        "partner": set(),
    }
    for role, ids in expected.items():
        response = get_as(client, people[role], "/api/v1/statements/")
        assert {row["id"] for row in response.json()["results"]} == ids, role
    assert get_as(client, people["other_association"], f"/api/v1/statements/{mine.pk}/").status_code == 404


def test_the_call_page_shows_the_two_stages_and_the_start_button(client, call, applicant):
    login(client, applicant)
    page = client.get(reverse("grants:call_list")).content.decode()
    assert "1. Manifestation d'intérêt" in page and "2. Dossier complet" in page
    assert reverse("intents:start", args=[call.pk]) in page
    assert reverse("grants:start_application", args=[call.pk]) not in page  # not pre-selected: no full dossier button


def test_the_association_writes_keeps_its_input_on_a_refusal_then_submits(client, call, association, applicant):
    login(client, applicant)
    response = client.post(reverse("intents:start", args=[call.pk]))
    draft = StatementOfIntent.objects.get(organisation=association)
    assert response.url == reverse("intents:edit", args=[draft.pk])
    url = reverse("intents:edit", args=[draft.pk])
    typed = {**GOOD, "estimated_total": "deux cent mille", "estimated_grant": "100 000"}
    response = client.post(url, typed)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Montant invalide" in page and "deux cent mille" in page and GOOD["summary"] in page
    client.post(url, {**GOOD, "estimated_total": "200 000,00", "estimated_grant": "150 000"})
    response = client.post(reverse("intents:submit", args=[draft.pk]))
    assert response.status_code == 400 and "plafond de l&#x27;appel" in response.content.decode()
    client.post(url, {**GOOD, "estimated_total": "200 000,00", "estimated_grant": "100 000"})
    response = client.post(reverse("intents:submit", args=[draft.pk]))
    assert response.status_code == 302
    assert StatementOfIntent.objects.get(pk=draft.pk).status == IntentStatus.SUBMITTED
    assert client.get(url).status_code == 200  # still readable, no longer writable
    assert client.post(url, GOOD).status_code == 400


def test_only_the_association_writes_its_statement(client, call, association, people):
    draft = statement(call, association)
    url = reverse("intents:edit", args=[draft.pk])
    for role, code in {"operator": 403, "staff": 403, "other_association": 404}.items():
        client.logout()
        login(client, people[role])
        assert client.post(url, {**GOOD, "title": "Changé"}).status_code == code, role
    assert StatementOfIntent.objects.get(pk=draft.pk).title == GOOD["title"]


def test_staff_list_filters_and_preselects_by_clicking(
    client, call, association, other_association, people, django_capture_on_commit_callbacks
):
    waiting = statement(call, association, status=IntentStatus.SUBMITTED)
    draft = statement(call, other_association, title="École à Jacmel", country="HT", sector="education")
    url = reverse("intents:call_statements", args=[call.pk])
    for role in ("owner", "operator", "reviewer", "partner"):
        assert get_as(client, people[role], url).status_code == 403, role
    login(client, people["staff"])
    everything = client.get(url)
    assert {row.pk for row in everything.context["rows"]} == {waiting.pk, draft.pk}
    assert {row.pk for row in client.get(url, {"status": "submitted"}).context["rows"]} == {waiting.pk}
    assert {row.pk for row in client.get(url, {"country": "HT"}).context["rows"]} == {draft.pk}
    assert {row.pk for row in client.get(url, {"q": "Jacmel"}).context["rows"]} == {draft.pk}
    assert client.get(url, {"status": "nimporte"}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("intents:decide", args=[waiting.pk]), {"decision": "preselect"})
    assert response.url == url
    assert StatementOfIntent.objects.get(pk=waiting.pk).status == IntentStatus.PRESELECTED
    assert [m.to for m in mail.outbox] == [[people["owner"].email]]


def test_declining_without_a_reason_is_refused_on_the_page(client, call, association, staff_user, applicant):
    waiting = statement(call, association, status=IntentStatus.SUBMITTED)
    login(client, staff_user)
    response = client.post(reverse("intents:decide", args=[waiting.pk]), {"decision": "decline", "reason": ""})
    assert response.status_code == 400 and "Indiquez le motif" in response.content.decode()
    assert StatementOfIntent.objects.get(pk=waiting.pk).status == IntentStatus.SUBMITTED
    client.logout()
    login(client, applicant)
    assert client.post(reverse("intents:decide", args=[waiting.pk]), {"decision": "preselect"}).status_code == 403


def test_the_full_dossier_page_refuses_then_starts_prefilled(client, call, association, applicant):
    login(client, applicant)
    mine = statement(call, association, status=IntentStatus.SUBMITTED)
    response = client.post(reverse("grants:start_application", args=[call.pk]))
    assert response.status_code == 403 and "présélectionnées" in response.content.decode()
    assert not Application.objects.exists()
    StatementOfIntent.objects.filter(pk=mine.pk).update(
        status=IntentStatus.PRESELECTED
    )  # decided (see the services tests)
    detail = client.get(reverse("intents:detail", args=[mine.pk])).content.decode()
    assert "Commencer le dossier complet" in detail
    response = client.post(reverse("grants:start_application", args=[call.pk]))
    application = Application.objects.get()
    assert response.url == reverse("grants:application_edit", args=[application.pk, "project"])
    assert (application.title, application.amount_requested) == (GOOD["title"], GOOD["estimated_grant"])
    assert "Voir le dossier complet" in client.get(reverse("intents:detail", args=[mine.pk])).content.decode()


def test_the_api_refuses_the_full_dossier_without_preselection(client, call, association, applicant):
    login(client, applicant)
    statement(call, association, status=IntentStatus.NOT_PRESELECTED)
    response = client.post("/api/v1/applications/", {"call": call.pk}, content_type="application/json")
    assert response.status_code == 403 and response.json()["code"] == "not_preselected"
    assert "présélectionnées" in response.json()["detail"]


def test_the_api_writes_submits_and_staff_decide(
    client, call, association, applicant, staff_user, django_capture_on_commit_callbacks
):
    login(client, applicant)
    response = client.post(
        "/api/v1/statements/",
        {"call": call.pk, **{k: str(v) for k, v in GOOD.items()}},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["status"] == "draft" and response.json()["estimated_grant"] == "100000.00"
    again = client.post("/api/v1/statements/", {"call": call.pk}, content_type="application/json")
    assert again.status_code == 201 and again.json()["id"] == pk  # the same draft, one per association
    bad = client.patch(f"/api/v1/statements/{pk}/", {"estimated_grant": "100000.001"}, content_type="application/json")
    assert bad.status_code == 400 and "centimes" in str(bad.json())
    assert client.post(f"/api/v1/statements/{pk}/submit/").json()["status"] == "submitted"
    assert client.post(f"/api/v1/statements/{pk}/preselect/", {}, content_type="application/json").status_code == 403
    client.logout()
    login(client, staff_user)
    refused = client.post(f"/api/v1/statements/{pk}/decline/", {"reason": ""}, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["code"] == "comment_required"
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            f"/api/v1/statements/{pk}/decline/", {"reason": "Hors priorités."}, content_type="application/json"
        )
    assert (
        done.status_code == 200
        and done.json()["status"] == "not_preselected"
        and done.json()["decision_reason"] == "Hors priorités."
    )
    assert [m.to for m in mail.outbox] == [[applicant.email]]


def test_the_home_pages_show_the_statements(client, call, association, applicant, staff_user):
    statement(call, association, status=IntentStatus.NOT_PRESELECTED, decision_reason="Budget trop élevé.")
    statement(call, OrganisationFactory(), title="École à Jacmel", status=IntentStatus.SUBMITTED)
    login(client, applicant)
    page = client.get("/").content.decode()
    assert (
        "Mes manifestations d&#x27;intérêt" in page and "Non présélectionnée" in page and "Budget trop élevé." in page
    )
    assert "École à Jacmel" not in page
    client.logout()
    login(client, staff_user)
    page = client.get("/").content.decode()
    assert "1 manifestation d'intérêt à examiner" in page


def test_a_viewer_member_reads_but_does_not_write(client, call, association):
    viewer = MembershipFactory(organisation=association, role=MemberRole.VIEWER).user
    draft = statement(call, association)
    login(client, viewer)
    assert client.get(reverse("intents:detail", args=[draft.pk])).status_code == 200
    assert client.get(reverse("intents:edit", args=[draft.pk])).status_code == 403
    assert client.post(reverse("intents:submit", args=[draft.pk])).status_code == 403
    assert StatementOfIntent.objects.get(pk=draft.pk).status == IntentStatus.DRAFT
