import itertools
from decimal import Decimal

import pytest

from accounts.models import Role
from grants import workflow
from grants.models import BudgetLine
from grants.states import State
from reviews import services
from reviews.models import HUMAN_CHECKS
from tests.factories import ApplicationFactory, CallFactory, CriterionFactory, UserFactory

_numbers = itertools.count(1)


@pytest.fixture
def call(db):
    call = CallFactory(envelope=Decimal("30000.00"), reviewers_per_application=2)
    CriterionFactory(call=call, label="Pertinence", weight=Decimal("3"), scale_max=5, position=0)
    CriterionFactory(call=call, label="Pérennité", weight=Decimal("1"), scale_max=5, position=1)
    return call


def make_application(call, organisation, state=State.SUBMITTED, staff=None, **fields):
    """A dossier filed (status set as the setup), then moved by the workflow to `state`."""
    number = next(_numbers)
    application = ApplicationFactory(
        call=call, organisation=organisation, status=State.SUBMITTED, reference=f"PRA-2026-{number:04d}", **fields
    )
    BudgetLine.objects.create(application=application, category="investment", label="Forage", amount=application.funding_total)
    road = ["declare_admissible", "start_review", "send_to_committee"]
    targets = {State.ADMISSIBLE: 1, State.UNDER_REVIEW: 2, State.READY_FOR_COMMITTEE: 3}
    for name in road[: targets.get(state, 0)]:
        workflow.fire(application, name, by=staff)
    return application


@pytest.fixture
def make(call, staff_user, association):
    def factory(state=State.SUBMITTED, organisation=None, **fields):
        return make_application(call, organisation or association, state, staff_user, **fields)

    return factory


@pytest.fixture
def reviewers(db):
    return [UserFactory(role=Role.REVIEWER, email=f"eval{n}@example.org", last_name=f"Eval{n}") for n in range(3)]


def tick_all(application, staff):
    services.save_checklist(application=application, by=staff, checked_codes={code for code, _label in HUMAN_CHECKS})


def score_and_submit(assignment, values, recommendation="fund"):
    criteria = list(assignment.application.call.criteria.all())
    return services.save_review(
        assignment=assignment, by=assignment.reviewer, submit=True, recommendation=recommendation, comment="Bon projet",
        scores={c.pk: (v, "ok") for c, v in zip(criteria, values, strict=True)},
    )
