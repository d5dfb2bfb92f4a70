"""Issue 15: the two dossier pages read each fact once, in a number of queries that does not grow with the
dossier (budget lines, reviews and their scores, files, messages, moves), and show the same as before.

The staff page (`/instruction/dossiers/<pk>/`) and the association's page (`/subventions/dossiers/<pk>/`)
pass the budget lines, the call's rules, the files and the thread down to their includes instead of
letting each include read them again.
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from grants import services as grant_services
from grants.attachments import dossier_files
from grants.models import Application, BudgetLine, Message
from grants.states import State
from members.models import MemberRole
from reviews import services
from reviews.models import ConflictDeclaration
from tests.conftest import login, with_panels
from tests.factories import MembershipFactory

from .conftest import score_and_submit
from .test_full_application import attach, vault

pytestmark = pytest.mark.django_db


def grow(application, reviewers, staff_user, applicant, *, n):
    """`n` more of everything the pages list: budget lines, reviewers and their sent reviews, files, messages."""
    for i in range(n):
        BudgetLine.objects.create(
            application=application, category="training", label=f"Atelier {i}", amount=Decimal("10.00")
        )
        attach(application, "other", f"annexe-{application.pk}-{i}.pdf")
        grant_services.post_message(application=application, by=staff_user, body=f"Question {i}")
        grant_services.post_message(application=application, by=applicant, body=f"Réponse {i}")
    for reviewer in reviewers[:n]:
        assignment = services.assign_reviewer(application=application, reviewer=reviewer, by=staff_user)
        score_and_submit(assignment, [4, 3])


def queries(client, url):
    """The queries of the page and of the panels it fetches once shown (the staff page's), and what it shows."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        assert response.status_code == 200
        html = with_panels(response, client)
    return len(captured.captured_queries), html


@pytest.mark.parametrize("page", ["staff", "association"])
def test_a_dossier_page_reads_as_many_queries_for_a_big_dossier_as_for_a_small_one(
    page, client, make, reviewers, staff_user, applicant, association
):
    small, big = make(State.UNDER_REVIEW), make(State.UNDER_REVIEW)
    grow(small, reviewers, staff_user, applicant, n=1)
    grow(big, reviewers, staff_user, applicant, n=3)
    vault(association, "statutes", "statuts.pdf")
    user, name = (
        (staff_user, "reviews:application_detail") if page == "staff" else (applicant, "grants:application_detail")
    )
    login(client, user)
    for dossier in (small, big):  # a first look marks the other side's messages read and ticks nothing else
        with_panels(client.get(reverse(name, args=[dossier.pk])), client)
    count_small, _html = queries(client, reverse(name, args=[small.pk]))
    count_big, html = queries(client, reverse(name, args=[big.pk]))
    assert count_big == count_small
    assert html.count("Atelier ") == 3 and "annexe-" in html and "statuts.pdf" in html
    assert html.count("Réponse ") == 3


def test_the_staff_page_offers_only_reviewers_free_of_ties_and_names_the_moves(
    client, make, reviewers, staff_user, association
):
    dossier = make(State.UNDER_REVIEW)
    services.assign_reviewer(application=dossier, reviewer=reviewers[0], by=staff_user)
    ConflictDeclaration.objects.create(application=dossier, reviewer=reviewers[1], reason="Je connais le président")
    login(client, staff_user)
    html = with_panels(client.get(reverse("reviews:application_detail", args=[dossier.pk])), client)
    select = html.split('id="assign-reviewer">', 1)[1].split("</select>", 1)[0]
    assert f'<option value="{reviewers[2].pk}">{reviewers[2]}</option>' in select
    assert f'value="{reviewers[0].pk}"' not in select and f'value="{reviewers[1].pk}"' not in select
    # the history names each state in French, as get_to_state_display did
    assert "<strong>En évaluation</strong>" in html and "Déposé → Recevable" in html


def test_opening_the_thread_marks_the_new_messages_read_once(client, make, staff_user, applicant):
    dossier = make(State.UNDER_REVIEW)
    grant_services.post_message(application=dossier, by=staff_user, body="Merci de préciser le budget.")
    login(client, applicant)
    url = reverse("grants:application_detail", args=[dossier.pk])
    first = client.get(url).content.decode()
    message = Message.objects.get(application=dossier)
    assert message.read_at is not None and message.read_at <= timezone.now()
    assert "Merci de préciser le budget." in first and "· lu" in first.replace("</span>", "").replace(
        '<span class="muted">', ""
    )
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    assert not [q for q in captured.captured_queries if q["sql"].startswith("UPDATE")]  # nothing new: no write
    assert Message.objects.get(pk=message.pk).read_at == message.read_at


def test_a_reader_known_to_see_the_private_dossier_gets_the_files_visibility_gives(
    make, association, applicant, staff_user, operator_org, operator_user, reviewer, other_applicant
):
    association.operator = operator_org
    association.save()
    dossier = make(State.UNDER_REVIEW)
    attach(dossier, "accounts", "comptes.pdf")
    attach(dossier, "partner_letter", "lettre.pdf")
    vault(association, "statutes", "statuts.pdf")
    vault(association, "accounts", "comptes-coffre.pdf")  # an attachment of that type hides the vault's
    for user in (applicant, staff_user, operator_user):
        assert dossier_files(user, dossier, private=True) == dossier_files(user, dossier)
        files, masked = dossier_files(user, dossier)
        assert {f.name for f in files} == {"comptes.pdf", "lettre.pdf", "statuts.pdf"} and not masked
    # asked, not told: another association's member opens nothing of it
    assert dossier_files(other_applicant, dossier) == ([], False)
    # an assigned reviewer of an anonymous call is not a reader of the private dossier: project files only
    dossier.call.anonymous_review = True
    dossier.call.save()
    services.assign_reviewer(application=dossier, reviewer=reviewer, by=staff_user)
    files, masked = dossier_files(reviewer, dossier)
    assert [f.name for f in files] == ["lettre.pdf"] and masked


def test_the_moves_offered_ask_the_memberships_only_of_a_staff_member_who_has_some(client, make, staff_user, association):
    dossier = make(State.UNDER_REVIEW)
    url = reverse("reviews:application_detail", args=[dossier.pk])
    login(client, staff_user)
    with CaptureQueriesContext(connection) as captured:
        html = client.get(url).content.decode()
    # the one reading of the user's memberships (none), with the user (accounts.backends): no predicate asks again
    asking_memberships = [q["sql"] for q in captured.captured_queries if "members_membership" in q["sql"]]
    assert len(asking_memberships) == 1 and '"accounts_user"' in asking_memberships[0]
    assert "Mettre en évaluation" not in html and "Inscrire au comité" in html and "Retirer le dossier" not in html
    # a staff member who also acts for the association holds its role too, as `workflow.actor_kinds` says
    MembershipFactory(user=staff_user, organisation=association, role=MemberRole.ADMIN)
    html = client.get(url).content.decode()
    assert "Inscrire au comité" in html and "Retirer le dossier" in html


def test_the_lower_sections_read_the_dossier_once_and_name_everyone_they_show(
    client, make, reviewers, staff_user, applicant, association, operator_org, operator_user
):
    """The lower sections read only some columns of the dossier and of the people and organisations they name
    (`dossier_panels.LOWER_FIELDS`, `.only()`): what they show comes from those columns, never from a second
    reading of a deferred one."""
    from grants.models import OperatorVisa
    from reviews.models import OperatorOpinion

    association.operator = operator_org
    association.save()
    dossier = make(State.UNDER_REVIEW)
    Application.objects.filter(pk=dossier.pk).update(operator=operator_org)  # named on the dossier itself too
    grow(dossier, reviewers, staff_user, applicant, n=2)
    OperatorVisa.objects.create(application=dossier, operator=operator_org, given_by=operator_user, decision="granted",
                                comment="Budget relu avec le trésorier.")
    OperatorOpinion.objects.create(application=dossier, operator=operator_org, author=operator_user, opinion="favourable",
                                   text="Association sérieuse, suivie depuis 2019.")
    services.add_note(application=dossier, by=staff_user, body="Appeler le trésorier")
    login(client, staff_user)
    html, captured = "", []
    for part in ("avis-evaluation", "echanges-suivi"):
        url = reverse("reviews:dossier_lower", args=[dossier.pk, part])
        client.get(url, headers={"HX-Request": "true"})  # caches filled
        with CaptureQueriesContext(connection) as queries:
            html += client.get(url, headers={"HX-Request": "true"}).content.decode()
        dossier_reads = [q for q in queries.captured_queries if q["sql"].startswith('SELECT "grants_application"."id"')]
        assert len(dossier_reads) == 1, part
        captured += queries.captured_queries
    # a deferred column read later would be a query of its own on the row's table
    alone = [q["sql"] for q in captured if q["sql"].startswith(('SELECT "members_organisation"', 'SELECT "grants_call"'))]
    assert alone == []
    users_by_key = [q for q in captured if q["sql"].startswith('SELECT "accounts_user"') and '"accounts_user"."id" = ' in q["sql"]]
    assert len(users_by_key) == 2  # the signed-in user, once per request
    for shown in (str(operator_org), str(operator_user), "Budget relu avec le trésorier.", "Association sérieuse",
                  "Appeler le trésorier", "Réponse 1", str(reviewers[0]), "Historique"):
        assert escape(shown) in html, shown
