import pytest

from grants.models import Application, Transition
from grants.states import State
from reviews.models import CommitteeSession, Review

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_and_goes_through_the_workflow(django_capture_on_commit_callbacks):
    from accounts import demo as accounts_demo
    from grants import demo as grants_demo
    from members import demo as members_demo
    from reviews import demo

    accounts_demo.load()
    members_demo.load()
    grants_demo.load()
    demo.load()
    counts = (Application.objects.count(), Transition.objects.count(), Review.objects.count(), CommitteeSession.objects.count())
    demo.load()
    assert (Application.objects.count(), Transition.objects.count(), Review.objects.count(), CommitteeSession.objects.count()) == counts
    ready = Application.objects.get(organisation__rna="W751000202", status=State.READY_FOR_COMMITTEE)
    reviewers = set(Review.objects.filter(assignment__application=ready, submitted_at__isnull=False).values_list("assignment__reviewer__email", flat=True))
    assert reviewers == {"evaluateur@example.org", "evaluatrice@example.org"}
    assert ready.score is not None and ready.reference
    assert [t.name for t in ready.transitions.order_by("at", "id")] == ["submit", "declare_admissible", "start_review", "send_to_committee"]
    assert CommitteeSession.objects.get().is_open
