"""Awarded dossiers for the follow-up tests, moved through the real workflow."""

import contextlib
import datetime
from decimal import Decimal

import pytest

from accounts.models import Role
from grants import workflow
from grants.models import BudgetLine
from members.models import MemberRole, OrganisationKind
from tests.factories import ApplicationFactory, CallFactory, MembershipFactory, OrganisationFactory


def committee_decides(application, staff):
    """The committee guard (reviews) lets an award through only when the committee's decision is on
    record in an open session: tests save that decision row, as `record_decision` does, before firing."""
    from reviews.models import CommitteeDecision, CommitteeSession

    session = CommitteeSession.objects.create(call=application.call, date=datetime.date(2026, 12, 10), created_by=staff)
    CommitteeDecision.objects.create(
        session=session, application=application, outcome="award", amount=application.awarded_amount, reason="Projet retenu", decided_by=staff
    )


def award(application, amount, *, staff, applicant, run_on_commit=contextlib.nullcontext):
    """Submit, review and award a dossier the way the workflow does, the amount set as the committee would.

    Only the award's after-commit work runs (the agreement job): earlier steps belong to other apps.
    """
    workflow.fire(application, "submit", by=applicant)
    for name in ("declare_admissible", "start_review", "send_to_committee"):
        workflow.fire(application, name, by=staff)
    application.awarded_amount = Decimal(amount)
    application.save(update_fields=["awarded_amount"])
    committee_decides(application, staff)
    with run_on_commit():
        workflow.fire(application, "award", by=staff)
    application.refresh_from_db()
    return application


@pytest.fixture
def call(db):
    return CallFactory(title="Appel à projets PRA/OSIM 2026", tranche_split=[70, 30])


@pytest.fixture
def moroccan_association(association):
    association.diaspora_countries = ["MA"]
    association.save()
    return association


@pytest.fixture
def make_awarded(call, staff_user, django_capture_on_commit_callbacks):
    def make(amount="15000.00", *, organisation, applicant, country="MA", title="Adduction d'eau potable à Tafraout", target_call=None):
        application = ApplicationFactory(
            call=target_call or call, organisation=organisation, country=country, title=title,
            locality="Tafraout", amount_requested=Decimal("15000.00"), own_funds=Decimal("6000.00"), in_kind=Decimal("1500.00"),
            start_date="2026-01-15", duration_months=12,
        )
        BudgetLine.objects.create(application=application, category="investment", label="Forage et château d'eau", amount=Decimal("17000.00"), position=1)
        BudgetLine.objects.create(application=application, category="training", label="Formation du comité de gestion", amount=Decimal("5500.00"), position=2)
        return award(application, amount, staff=staff_user, applicant=applicant,
                     run_on_commit=lambda: django_capture_on_commit_callbacks(execute=True))

    return make


@pytest.fixture
def awarded(make_awarded, moroccan_association, applicant):
    return make_awarded(organisation=moroccan_association, applicant=applicant)


@pytest.fixture
def ccme(db):
    return OrganisationFactory(kind=OrganisationKind.PARTNER, name="Conseil de la Communauté Marocaine à l'Étranger", acronym="CCME", rna=None)


@pytest.fixture
def partner_user(ccme):
    return MembershipFactory(organisation=ccme, role=MemberRole.ADMIN, user__role=Role.PARTNER, user__email="partenaire@example.org").user


@pytest.fixture
def ccme_rule(ccme, call, staff_user):
    from awards.services import save_rule

    return save_rule(by=staff_user, partner=ccme, programme=call.programme, name="Diaspora marocaine, projets au Maroc",
                     diaspora_country="MA", project_country="MA", rate=Decimal("30"), cap=None, is_active=True)
