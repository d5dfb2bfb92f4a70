"""The world the security matrix walks: two of each kind of actor, each with their own objects.

Association A (accompanied by operator 1, scored by reviewer 1) and association B (operator 2,
reviewer 2) mirror each other; every object URL is walked with A's object, so B, reviewer 2 and
operator 2 prove they cannot reach it. Objects of apps still being built are made only if the
app is there.
"""

import datetime
from decimal import Decimal
from types import SimpleNamespace

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import Role
from grants.models import ApplicationDocument, ApplicationVersion
from grants.states import State
from members.models import (
    FranceAction,
    Invitation,
    MemberRole,
    NetworkLink,
    OrganisationDocument,
    OrganisationKind,
)
from tests.factories import (
    ApplicationFactory,
    CallFactory,
    CriterionFactory,
    MembershipFactory,
    OperatorFactory,
    OrganisationFactory,
    UserFactory,
)

ROLES = ["anon", "asso_a", "asso_b", "reviewer_1", "reviewer_2", "operator_1", "operator_2", "staff", "admin", "partner", "coordinator"]
PDF = b"%PDF-1.4\n%%EOF\n"


def installed(label):
    return apps.is_installed(label)


def member(organisation, email, role=Role.APPLICANT):
    return MembershipFactory(organisation=organisation, role=MemberRole.ADMIN, user__role=role, user__email=email).user


def build_world():
    w = SimpleNamespace()
    w.op_org_1, w.op_org_2 = OperatorFactory(name="Migrations & Développement"), OperatorFactory(name="Opérateur Bretagne")
    w.org_a = OrganisationFactory(name="Association des Marocains en France", acronym="AMF", operator=w.op_org_1)
    w.org_b = OrganisationFactory(name="Plateforme des associations franco-haïtiennes", acronym="PAFHA", operator=w.op_org_2)
    w.cosim = OrganisationFactory(kind=OrganisationKind.COSIM, name="COSIM Bretagne", acronym="COSIM-BZH")
    w.forim = OrganisationFactory(kind=OrganisationKind.FORIM, name="FORIM", acronym="FORIM", rna=None)
    w.partner_org = OrganisationFactory(kind=OrganisationKind.PARTNER, name="CCME", acronym="CCME", rna=None)
    users = {
        "asso_a": member(w.org_a, "a@example.org"),
        "asso_b": member(w.org_b, "b@example.org"),
        "reviewer_1": UserFactory(role=Role.REVIEWER, email="eval1@example.org"),
        "reviewer_2": UserFactory(role=Role.REVIEWER, email="eval2@example.org"),
        "operator_1": member(w.op_org_1, "opap1@example.org", Role.OPERATOR),
        "operator_2": member(w.op_org_2, "opap2@example.org", Role.OPERATOR),
        "staff": UserFactory(role=Role.STAFF, email="staff@example.org"),
        "admin": UserFactory(role=Role.ADMIN, is_superuser=True, email="admin@example.org"),
        "partner": member(w.partner_org, "ccme@example.org", Role.PARTNER),
        "coordinator": member(w.cosim, "cosim@example.org", Role.COORDINATOR),
    }
    w.users = users
    NetworkLink.objects.create(member=w.org_b, network=w.cosim)
    w.link_a = NetworkLink.objects.create(member=w.org_a, network=OrganisationFactory(kind=OrganisationKind.FOSIM, name="Fédération des Marocains"))
    w.membership_a = w.org_a.memberships.get()
    w.invitation_a = Invitation.objects.create(
        organisation=w.org_a, email="nouveau@example.org", token="jeton-invitation-a" * 2, invited_by=users["asso_a"],
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )
    w.vault_a = OrganisationDocument(organisation=w.org_a, doc_type="statutes", original_name="statuts.pdf", size=len(PDF))
    w.vault_a.file.save("statuts.pdf", ContentFile(PDF), save=True)
    w.action_a = FranceAction.objects.create(organisation=w.org_a, title="Aide alimentaire", domain="solidarity", city="Paris", region="IDF")

    w.call = CallFactory(title="Appel PRA/OSIM 2026")
    w.past_call = CallFactory(title="Appel PRA/OSIM 2024", year=2024,
                              opens_at=timezone.now() - datetime.timedelta(days=900), deadline=timezone.now() - datetime.timedelta(days=700))
    for position, label in enumerate(["Pertinence", "Pérennité"]):
        CriterionFactory(call=w.call, label=label, position=position)
    w.draft_a = ApplicationFactory(call=w.call, organisation=w.org_a, operator=w.op_org_1, title="Forage à Tafraout", created_by=users["asso_a"])
    w.app_a = ApplicationFactory(call=w.call, organisation=w.org_a, operator=w.op_org_1, status=State.UNDER_REVIEW,
                                 reference="PRA-2026-0001", title="Case de santé à Tiznit", submitted_at=timezone.now())
    w.app_b = ApplicationFactory(call=w.call, organisation=w.org_b, operator=w.op_org_2, status=State.UNDER_REVIEW,
                                 reference="PRA-2026-0002", title="École à Jacmel", submitted_at=timezone.now())
    w.awarded_a = ApplicationFactory(call=w.past_call, organisation=w.org_a, operator=w.op_org_1, status=State.AWARDED,
                                     reference="PRA-2024-0001", title="Moulin à Ouarzazate", awarded_amount=Decimal("12000.00"),
                                     submitted_at=timezone.now() - datetime.timedelta(days=750), publish_consent=True, country="MA")
    ApplicationVersion.objects.create(application=w.app_a, number=1, data={"title": w.app_a.title})
    w.app_doc_a = ApplicationDocument(application=w.draft_a, doc_type="budget", original_name="budget.pdf", size=len(PDF))
    w.app_doc_a.file.save("budget.pdf", ContentFile(PDF), save=True)
    w.token_a = users["asso_a"].api_tokens.create(name="Tableur", prefix="abcd1234", key_hash="0" * 64)
    _reviews(w)
    _awards(w)
    _documents(w)
    _events(w)
    _support(w)
    _intents(w)
    return w


def _reviews(w):
    if not installed("reviews"):
        return
    from reviews.models import CommitteeSession, Review, ReviewAssignment

    w.assignment_a = ReviewAssignment.objects.create(application=w.app_a, reviewer=w.users["reviewer_1"], assigned_by=w.users["staff"])
    w.assignment_b = ReviewAssignment.objects.create(application=w.app_b, reviewer=w.users["reviewer_2"], assigned_by=w.users["staff"])
    w.review_a = Review.objects.create(assignment=w.assignment_a, score=Decimal("15.00"), recommendation="fund", submitted_at=timezone.now())
    Review.objects.create(assignment=w.assignment_b)
    w.session = CommitteeSession.objects.create(call=w.call, date=timezone.localdate(), place="Paris", created_by=w.users["staff"])


def _awards(w):
    if not installed("awards"):
        return
    from awards.models import CofinancingRule
    from awards.services import ensure_follow_up

    ensure_follow_up(application=w.awarded_a)
    w.report_a = w.awarded_a.reports.order_by("pk").first()
    w.rule = CofinancingRule.objects.create(partner=w.partner_org, programme=w.call.programme, name="Diaspora marocaine", rate=Decimal("30.00"))


def _documents(w):
    if not installed("documents"):
        return
    from documents.models import DocumentJob, JobStatus

    w.job_a = DocumentJob(kind="diploma", target_type=ContentType.objects.get_for_model(w.awarded_a), target_id=w.awarded_a.pk,
                          status=JobStatus.DONE, filename="diplome.pdf", requested_by=w.users["asso_a"])
    w.job_a.file.save("diplome.pdf", ContentFile(PDF), save=True)


def _events(w):
    if not installed("events"):
        return
    from events.models import CeremonyInvitation, Event, Registration

    start = timezone.now() + datetime.timedelta(days=20)
    w.event = Event.objects.create(kind="workshop", title="Atelier budget", starts_at=start, ends_at=start + datetime.timedelta(hours=3),
                                   place="Maison des associations, Paris", city="Paris", region="IDF", capacity=30, organiser=w.forim, created_by=w.users["staff"])
    w.ceremony = Event.objects.create(kind="ceremony", title="Cérémonie des lauréats", call=w.past_call, starts_at=start,
                                      ends_at=start + datetime.timedelta(hours=4), place="Paris", city="Paris", region="IDF",
                                      audience="invited", organiser=w.forim, created_by=w.users["staff"])
    w.registration_a = Registration.objects.create(event=w.event, user=w.users["asso_a"], organisation=w.org_a, name="Trésorier AMF",
                                                   email="a@example.org", status="confirmed")
    w.invitation_ceremony_a = CeremonyInvitation.objects.create(event=w.ceremony, application=w.awarded_a, organisation=w.org_a)


def _support(w):
    if not installed("support"):
        return
    from support.models import AccompanimentAgreement, SupportLog

    w.support_agreement_a = AccompanimentAgreement(operator=w.op_org_1, association=w.org_a, signed_on=timezone.localdate(), created_by=w.users["operator_1"])
    w.support_agreement_a.file.save("convention.pdf", ContentFile(PDF), save=True)
    w.support_log_a = SupportLog.objects.create(operator=w.op_org_1, association=w.org_a, date=timezone.localdate(), kind="meeting",
                              hours=Decimal("2.00"), created_by=w.users["operator_1"])


def _intents(w):
    """A two-stage call (Mésoprojets) open to statements of intent, and A's draft statement on it."""
    if not installed("intents"):
        return
    from intents.models import StatementOfIntent

    now = timezone.now()
    w.meso_call = CallFactory(title="Mésoprojets 2026", opens_at=now - datetime.timedelta(days=10),
                              intent_deadline=now + datetime.timedelta(days=10), deadline=now + datetime.timedelta(days=90),
                              max_grant=Decimal("100000.00"), min_total_budget=Decimal("120000.00"), max_total_budget=Decimal("300000.00"))
    w.statement_a = StatementOfIntent.objects.create(call=w.meso_call, organisation=w.org_a, title="Centre de santé à Kayes",
                                                     created_by=w.users["asso_a"])
