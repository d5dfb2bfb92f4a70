import pytest
from django.core import mail
from django.urls import reverse

from forim_portal.errors import DomainError
from grants.models import CorrectionRequest
from grants.states import State
from reviews import services
from reviews.models import OperatorOpinion
from tests.conftest import login, with_panels
from tests.factories import MembershipFactory, OperatorFactory

from .conftest import tick_all

pytestmark = pytest.mark.django_db


def test_admissible_needs_every_human_check_ticked(make, staff_user):
    application = make()
    with pytest.raises(DomainError, match="Cochez d'abord"):
        services.decide_admissibility(application=application, by=staff_user, outcome="admissible")
    tick_all(application, staff_user)
    services.decide_admissibility(application=application, by=staff_user, outcome="admissible", expected_state=State.SUBMITTED)
    application.refresh_from_db()
    assert application.status == State.ADMISSIBLE
    assert application.transitions.get().by == staff_user
    assert all(item.checked_by == staff_user for item in application.checklist_items.all())


def test_inadmissible_needs_a_reason_and_the_association_is_told(make, staff_user, applicant, client, django_capture_on_commit_callbacks):
    application = make()
    login(client, staff_user)
    url = reverse("reviews:admissibility", args=[application.pk])
    response = client.post(url, {"outcome": "inadmissible", "reason": ""})
    assert response.status_code == 400
    assert "motif" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"outcome": "inadmissible", "reason": "Pays exclu de l'appel"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == State.INADMISSIBLE
    assert application.transitions.get().comment == "Pays exclu de l'appel"
    assert applicant.email in [m.to[0] for m in mail.outbox]


def test_corrections_requested_with_the_steps_to_fix(make, staff_user, client):
    application = make()
    login(client, staff_user)
    response = client.post(reverse("reviews:admissibility", args=[application.pk]), {
        "outcome": "corrections", "sections": ["budget", "documents"], "reason": "Le devis du forage manque.",
    })
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == State.CORRECTIONS_REQUESTED
    request = CorrectionRequest.objects.get(application=application)
    assert request.sections == ["budget", "documents"] and "devis" in request.message


def test_checklist_page_shows_the_call_rules_and_saves_ticks(make, staff_user, client):
    application = make()
    login(client, staff_user)
    page = with_panels(client.get(reverse("reviews:application_detail", args=[application.pk])), client)
    assert "Subvention maximale" in page  # automatic rule from grants.eligibility
    client.post(reverse("reviews:checklist", args=[application.pk]), {"checked": ["budget_consistent"], "note_budget_consistent": "vu"})
    item = application.checklist_items.get(code="budget_consistent")
    assert item.checked and item.note == "vu"
    assert application.checklist_items.filter(checked=True).count() == 1


def test_accompanying_operator_gives_an_opinion_others_cannot(make, association, operator_org, operator_user, client):
    association.operator = operator_org
    association.save()
    application = make()
    login(client, operator_user)
    url = reverse("reviews:operator_opinion", args=[application.pk])
    assert client.post(url, {"opinion": "favourable", "text": ""}).status_code == 400
    response = client.post(url, {"opinion": "favourable", "text": "Association sérieuse, suivie depuis 2019."})
    assert response.status_code == 302
    opinion = OperatorOpinion.objects.get()
    assert (opinion.operator, opinion.author) == (operator_org, operator_user)
    other = MembershipFactory(organisation=OperatorFactory(name="Autre OPAP"), user__role="operator").user
    login(client, other)
    assert client.get(url).status_code == 404
    with pytest.raises(DomainError):
        services.give_operator_opinion(application=application, by=other, opinion="favourable", text="x")


def test_notes_are_for_staff_only(make, staff_user, applicant, client):
    application = make()
    login(client, staff_user)
    client.post(reverse("reviews:add_note", args=[application.pk]), {"body": "Appeler le trésorier"})
    assert application.staff_notes.get().body == "Appeler le trésorier"
    assert "Appeler le trésorier" in with_panels(client.get(reverse("reviews:application_detail", args=[application.pk])), client)
    login(client, applicant)
    assert client.get(reverse("reviews:application_detail", args=[application.pk])).status_code == 403
    assert client.post(reverse("reviews:add_note", args=[application.pk]), {"body": "x"}).status_code == 403
    assert application.staff_notes.count() == 1


def test_operator_home_section_lists_dossiers_waiting_for_an_opinion(make, association, operator_org, operator_user, rf):
    from reviews.home import operator_section

    association.operator = operator_org
    association.save()
    waiting, answered = make(title="Puits"), make(title="École")
    services.give_operator_opinion(application=answered, by=operator_user, opinion="reserved", text="Budget à revoir")
    request = rf.get("/")
    request.user = operator_user
    assert operator_section(request)["applications"] == [waiting]


@pytest.mark.parametrize("who", ["applicant", "reviewer", "operator_user"])
def test_staff_actions_are_refused_to_everyone_else(make, who, request, client, reviewers, staff_user):
    from grants.states import State as S

    user = request.getfixturevalue(who)
    application = make()
    review_ready = make(S.UNDER_REVIEW)
    assignment = services.assign_reviewer(application=review_ready, reviewer=reviewers[0], by=staff_user)
    login(client, user)
    posts = [
        ("reviews:transition", [application.pk], {"name": "declare_admissible"}),
        ("reviews:checklist", [application.pk], {"checked": ["budget_consistent"]}),
        ("reviews:admissibility", [application.pk], {"outcome": "inadmissible", "reason": "x"}),
        ("reviews:assign", [review_ready.pk], {"reviewer": reviewers[1].pk}),
        ("reviews:unassign", [assignment.pk], {}),
        ("reviews:add_note", [application.pk], {"body": "x"}),
    ]
    for name, args, data in posts:
        assert client.post(reverse(name, args=args), data).status_code == 403, name
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    assert not application.checklist_items.filter(checked=True).exists()
    assert list(review_ready.review_assignments.values_list("reviewer", flat=True)) == [reviewers[0].pk]


def test_moves_needing_a_reason_open_as_their_own_panel_and_reopen_with_the_input(make, staff_user, client):
    application = make(State.UNDER_REVIEW)
    login(client, staff_user)
    page = with_panels(client.get(reverse("reviews:application_detail", args=[application.pk])), client)
    assert '<summary>Demander des corrections…</summary>' in page
    assert '<details class="transition-panel" open>' not in page  # closed until chosen
    refused = client.post(reverse("reviews:transition", args=[application.pk]), {
        "name": "request_corrections", "comment": "Le devis du forage manque.", "expected_state": State.UNDER_REVIEW})
    assert refused.status_code == 400 and "Choisissez au moins une étape" in refused.text
    assert '<details class="transition-panel" open>' in refused.text and ">Le devis du forage manque.</textarea>" in refused.text
    application.refresh_from_db()
    assert application.status == State.UNDER_REVIEW
