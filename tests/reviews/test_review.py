from decimal import Decimal

import pytest
from django.urls import reverse

from forim_portal.errors import DomainError
from forim_portal.money import half_up_cents
from grants.models import Application
from grants.states import State
from members.models import NetworkLink
from reviews import services
from reviews.models import ReviewAssignment
from tests.conftest import login, with_panels
from tests.factories import MembershipFactory, OrganisationFactory

from .conftest import score_and_submit

pytestmark = pytest.mark.django_db


def test_conflicts_of_interest_are_never_assigned(make, staff_user, reviewers, association):
    application = make(State.UNDER_REVIEW)
    member, networker, declarer = reviewers
    MembershipFactory(user=member, organisation=association)
    federation = OrganisationFactory(kind="fosim", name="Fédération des Sénégalais")
    NetworkLink.objects.create(member=association, network=federation)
    MembershipFactory(user=networker, organisation=federation)
    services.declare_conflict(application=application, reviewer=declarer, reason="Je connais le président")
    for reviewer in reviewers:
        with pytest.raises(DomainError, match="Conflit d'intérêts"):
            services.assign_reviewer(application=application, reviewer=reviewer, by=staff_user)
    created, short = services.spread_reviewers(applications=[application], by=staff_user)
    assert created == [] and short == [application]
    assert not ReviewAssignment.objects.exists()


def test_spread_is_even_and_respects_reviewers_per_application(make, staff_user, reviewers):
    applications = [make(State.UNDER_REVIEW) for _ in range(3)]
    created, short = services.spread_reviewers(applications=applications, by=staff_user)
    assert len(created) == 6 and short == []
    loads = sorted(ReviewAssignment.objects.filter(reviewer=r).count() for r in reviewers)
    assert loads == [2, 2, 2]
    assert all(a.review_assignments.count() == 2 for a in applications)


def test_declaring_a_conflict_withdraws_the_assignment(make, staff_user, reviewers, client):
    application = make(State.UNDER_REVIEW)
    assignment = services.assign_reviewer(application=application, reviewer=reviewers[0], by=staff_user)
    login(client, reviewers[0])
    client.post(reverse("reviews:declare_conflict", args=[assignment.pk]), {"reason": "Mon cousin préside l'association"})
    assert not ReviewAssignment.objects.exists()
    assert application.conflict_declarations.get().reviewer == reviewers[0]
    assert client.get(reverse("reviews:review", args=[assignment.pk])).status_code == 404


def test_score_is_the_weighted_mean_and_a_large_spread_is_flagged(make, staff_user, reviewers, client):
    application = make(State.UNDER_REVIEW)
    first = services.assign_reviewer(application=application, reviewer=reviewers[0], by=staff_user)
    second = services.assign_reviewer(application=application, reviewer=reviewers[1], by=staff_user)
    review = score_and_submit(first, [5, 1])  # (3*5/5 + 1*1/5) / 4 * 20 = 16.00
    assert review.score == Decimal("16.00")
    score_and_submit(second, [2, 4])  # (3*2/5 + 1*4/5) / 4 * 20 = 10.00
    application.refresh_from_db()
    assert application.score == Decimal("13.00")
    login(client, staff_user)
    page = with_panels(client.get(reverse("reviews:application_detail", args=[application.pk])), client)
    assert "Écart important" in page
    listing = client.get(reverse("reviews:applications")).content.decode()
    assert "écart" in listing


def test_rounding_is_half_up_to_the_cent(call):
    first, second = call.criteria.all()
    first.weight, second.weight = Decimal("1"), Decimal("2")
    assert services.review_score({first: 1, second: 2}) == Decimal("6.67")  # (0.2 + 0.8) / 3 * 20 = 6.666…
    assert half_up_cents(Decimal("2.345")) == Decimal("2.35")  # half-up, not banker's rounding


def test_an_unassigned_reviewer_cannot_score_nor_read(make, staff_user, reviewers, client):
    application = make(State.UNDER_REVIEW)
    assignment = services.assign_reviewer(application=application, reviewer=reviewers[0], by=staff_user)
    with pytest.raises(DomainError) as error:
        services.save_review(assignment=assignment, by=reviewers[1], scores={}, submit=True)
    assert error.value.status == 403
    login(client, reviewers[1])
    assert client.get(reverse("reviews:review", args=[assignment.pk])).status_code == 404
    assert client.post(reverse("reviews:review", args=[assignment.pk]), {"submit": "1"}).status_code == 404
    assert client.get(reverse("reviews:application_detail", args=[application.pk])).status_code == 403
    assert client.get(reverse("reviews:applications")).status_code == 403
    assert not hasattr(assignment, "review") or not assignment.review.is_submitted


def test_scoring_a_dossier_not_under_review_is_refused(make, staff_user, reviewers):
    application = make(State.ADMISSIBLE)
    assignment = services.assign_reviewer(application=application, reviewer=reviewers[0], by=staff_user)
    with pytest.raises(DomainError, match="pas en évaluation"):
        score_and_submit(assignment, [3, 3])


def test_reviewer_sees_only_assigned_dossiers_anonymised_and_others_reviews_after_sending(make, call, staff_user, reviewers, client, other_association):
    call.anonymous_review = True
    call.save()
    mine = make(State.UNDER_REVIEW, title="Puits de Matam")
    make(State.UNDER_REVIEW, organisation=other_association, title="École de Jacmel")
    first = services.assign_reviewer(application=mine, reviewer=reviewers[0], by=staff_user)
    second = services.assign_reviewer(application=mine, reviewer=reviewers[1], by=staff_user)
    score_and_submit(second, [4, 4], recommendation="do_not_fund")
    login(client, reviewers[0])
    home = client.get(reverse("reviews:reviewer_home")).content.decode()
    assert "Matam" not in home and "Jacmel" not in home and mine.reference in home  # anonymised list, own dossiers only
    page = client.get(reverse("reviews:review", args=[first.pk])).content.decode()
    assert "Puits de Matam" in page
    assert mine.organisation.name not in page
    assert "Bon projet" not in page  # the other review stays hidden
    criteria = list(call.criteria.all())
    response = client.post(reverse("reviews:review", args=[first.pk]), {
        f"score_{criteria[0].pk}": "9", f"score_{criteria[1].pk}": "2", "recommendation": "fund", "submit": "1",
    })
    assert response.status_code == 400 and "Note entre 0 et 5" in response.content.decode()
    response = client.post(reverse("reviews:review", args=[first.pk]), {
        f"score_{criteria[0].pk}": "5", f"score_{criteria[1].pk}": "2", "recommendation": "fund", "comment": "Solide", "submit": "1",
    })
    assert response.status_code == 302
    page = client.get(reverse("reviews:review", args=[first.pk])).content.decode()
    assert "Bon projet" in page and "16,00/20" in page.split("autres évaluations")[1]
    assert Application.objects.get(pk=mine.pk).score is not None


def test_the_association_reads_a_review_only_once_shared(make, staff_user, reviewers, applicant, other_applicant, client):
    application = make(State.UNDER_REVIEW)
    assignment = services.assign_reviewer(application=application, reviewer=reviewers[0], by=staff_user)
    review = score_and_submit(assignment, [4, 4])
    review.comment = "Très belle implication des habitants"
    review.save()
    url = reverse("reviews:shared_reviews", args=[application.pk])
    login(client, applicant)
    assert "Très belle implication" not in client.get(url).content.decode()
    assert client.get(reverse("api:review-detail" if False else "review-detail", args=[review.pk])).status_code == 404
    services.share_review(review=review, by=staff_user, shared=True)
    assert "Très belle implication" in client.get(url).content.decode()
    assert client.get(reverse("review-detail", args=[review.pk])).json()["reviewer"] is None
    login(client, other_applicant)
    assert client.get(url).status_code == 404
    assert client.get(reverse("review-detail", args=[review.pk])).status_code == 404


def test_a_dossier_goes_to_the_committee_only_once_reviewed(make, staff_user, reviewers):
    application = make(State.UNDER_REVIEW)
    with pytest.raises(DomainError, match="Aucune évaluation envoyée"):
        services.fire_transition(application=application, by=staff_user, name="send_to_committee")
    score_and_submit(services.assign_reviewer(application=application, reviewer=reviewers[0], by=staff_user), [4, 4])
    services.fire_transition(application=application, by=staff_user, name="send_to_committee", expected_state=State.UNDER_REVIEW)
    application.refresh_from_db()
    assert application.status == State.READY_FOR_COMMITTEE


def test_the_automatic_choice_says_what_it_did_never_zero_reviewers(make, staff_user, reviewers, client):
    application = make(State.ADMISSIBLE)
    login(client, staff_user)
    url = reverse("reviews:assign", args=[application.pk])
    needed = application.call.reviewers_per_application
    assert 0 < needed <= len(reviewers)

    said = [str(m) for m in client.post(url, {"reviewer": ""}, follow=True).context["messages"]]
    assert application.review_assignments.count() == needed
    assert said == [f"{needed} évaluateurs attribués automatiquement." if needed > 1 else "1 évaluateur attribué automatiquement."]

    said = [str(m) for m in client.post(url, {"reviewer": ""}, follow=True).context["messages"]]
    assert application.review_assignments.count() == needed
    assert said == ["Le dossier a déjà tous ses évaluateurs : choisissez-en un dans la liste pour en ajouter."]
