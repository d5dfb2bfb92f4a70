"""What may this user see, for what purpose: ONE function per object kind.

Each function returns a queryset filtered by one predicate (a `Q` built from membership
subqueries, so a list is one query whatever its length, and every filter is on a foreign
key or an indexed column). An object check is the same queryset narrowed to the object
(`can_see`), so a list and a detail can never disagree.

Purposes of a dossier (an `Application`):

- PRIVATE: the association's own dossier (budget, payment reference, history, thread,
  receipt, attachments, reports, agreement): FORIM staff, the applicant organisation's
  members, its accompanying support operator.
- FOLLOW_UP: a funded dossier's follow-up (amounts, tranche and report status): PRIVATE,
  plus the partners that cofinance it.
- REVIEW: the review view (anonymised when the call says so): staff and assigned reviewers,
  who also open its attachments (on an anonymous call, only the project's own documents).
- PUBLIC: the laureates page: funded projects whose association agreed to be shown.
- STATISTICS: the figures of a role's dashboard (counts and sums, never a dossier's page):
  staff everything; operators the dossiers they accompany; network coordinators their
  network's; partners the projects they cofinance.

Purposes of an organisation: PROFILE (the directory and profile page: staff, members, its
operator, its network's coordinator), PEOPLE (its members and invitations: staff, members),
DOCUMENTS (its vault: staff, members, its operator), ACCOMPANIMENT (the support pages:
staff, the operators accompanying it).
"""

from enum import StrEnum

from django.db.models import IntegerField, Q, Value
from django.utils import timezone

from accounts.middleware import resolved
from accounts.models import Role
from awards.models import Agreement, CofinancingRule, Payment, Report, TopUp, Tranche
from documents.models import DocumentJob
from events.models import Audience, Event, Registration
from grants.models import Application, ApplicationDocument, Call, Message
from grants.states import FUNDED_STATES
from history.models import PastProject
from intents.models import StatementOfIntent
from members.models import (
    FranceAction,
    Invitation,
    MemberRole,
    Membership,
    NetworkLink,
    Organisation,
    OrganisationDocument,
    OrganisationKind,
    OrganisationStatus,
)
from reviews.models import CommitteeSession, Review, ReviewAssignment
from support.models import AccompanimentAgreement, SupportLog


class Purpose(StrEnum):
    PRIVATE = "private"
    FOLLOW_UP = "follow_up"
    REVIEW = "review"
    PUBLIC = "public"
    STATISTICS = "statistics"
    PROFILE = "profile"
    PEOPLE = "people"
    DOCUMENTS = "documents"
    ACCOMPANIMENT = "accompaniment"


WRITERS = (MemberRole.ADMIN, MemberRole.MEMBER)
NOBODY = Q(pk__in=[])


# Who the user is ------------------------------------------------------------------------------


def signed_in(user):
    return bool(user is not None and user.is_authenticated)


def is_staff(user):
    """The one staff check: FORIM staff and administrators."""
    return signed_in(user) and bool(user.is_forim_staff)


def is_reviewer(user):
    return signed_in(user) and user.role == Role.REVIEWER


def memberships(user, *, roles=None, kinds=None):
    """The user's memberships (optionally with given member roles / organisation kinds)."""
    if not signed_in(user):
        return Membership.objects.none()
    rows = Membership.objects.filter(user=user)
    if roles:
        rows = rows.filter(role__in=roles)
    if kinds:
        rows = rows.filter(organisation__kind__in=kinds)
    return rows


def holds_membership(user, organisation_id, *, roles=None, kinds=None):
    """Whether the user is a member of this organisation (with one of these roles, the organisation of one of
    these kinds): the object check of `memberships`. Answered from the memberships the layout read for this
    request (`user.memberships_read`, set by accounts.middleware with the same rows) without a query, else
    from the database."""
    if organisation_id is None or not signed_in(user):
        return False
    read = getattr(user, "memberships_read", None)
    if read is None:
        return memberships(user, roles=roles, kinds=kinds).filter(organisation_id=organisation_id).exists()
    return any(
        row.organisation_id == organisation_id
        and (not roles or row.role in roles)
        and (not kinds or row.organisation.kind in kinds)
        for row in read
    )


def forget_memberships_read(sender, instance, **kwargs):
    """A membership of the request's user changed during the request (joining, leaving, a new role): its
    later checks ask the database (a signal receiver; the membership's user is the request's own object
    when a service was given it)."""
    user = instance._state.fields_cache.get("user")
    user = resolved(user)  # a service may have been given request.user before the middleware resolved it
    getattr(user, "__dict__", {}).pop("memberships_read", None)


def acting_for(user, *, roles=None, kinds=None):
    """The ids of the organisations the user acts for, to use inside a filter (`organisation_id__in=`): the list
    of them when the layout read this request's memberships (`user.memberships_read`, the same rows), which
    gives the database a plan without a subquery per condition (its planning was most of a dossier lookup's
    time), else a subquery."""
    read = getattr(user, "memberships_read", None) if signed_in(user) else None
    if read is None:
        return memberships(user, roles=roles, kinds=kinds).values("organisation_id")
    return [
        row.organisation_id
        for row in read
        if (not roles or row.role in roles) and (not kinds or row.organisation.kind in kinds)
    ]


def organisation_ids(user, *, roles=None, kinds=None):
    """The same ids as a set, for code that needs them in Python."""
    found = acting_for(user, roles=roles, kinds=kinds)
    return set(found) if isinstance(found, list) else set(found.values_list("organisation_id", flat=True))


def operators_of(user, *, writers_only=False):
    """Support operators (OPAP) the user acts for (writers: admins and members, not viewers)."""
    return acting_for(user, roles=WRITERS if writers_only else None, kinds=[OrganisationKind.OPERATOR])


def partners_of(user):
    """Cofinancing partners the user acts for."""
    return acting_for(user, kinds=[OrganisationKind.PARTNER])


def coordinated_networks(user):
    """Federations and collectives a network coordinator acts for (none for any other role)."""
    if not signed_in(user) or user.role != Role.COORDINATOR:
        return Membership.objects.none().values("organisation_id")
    return acting_for(user, kinds=[OrganisationKind.FOSIM, OrganisationKind.COSIM])


def active_link_q(prefix=""):
    """A network link still running today (no end date, or one not passed)."""
    return Q(**{f"{prefix}until__isnull": True}) | Q(**{f"{prefix}until__gte": timezone.localdate()})


def network_members(user):
    """Organisations currently in a network the user coordinates (a subquery)."""
    return NetworkLink.objects.filter(active_link_q(), network_id__in=coordinated_networks(user)).values("member_id")


def _restrict(queryset, model, condition):
    queryset = model.objects.all() if queryset is None else queryset
    return queryset.filter(condition)


# Dossiers --------------------------------------------------------------------------------------


def _accompanied_dossiers_q(operators):
    """Dossiers whose operator (or, when none is set, whose association's operator) is one of these."""
    return Q(operator_id__in=operators) | Q(operator__isnull=True, organisation__operator_id__in=operators)


def _cofinanced(user):
    return TopUp.objects.filter(rule__partner_id__in=partners_of(user)).values("application_id")


def laureates_q():
    return Q(status__in=FUNDED_STATES, publish_consent=True, call__deadline__lt=timezone.now())


def application_q(user, purpose=Purpose.PRIVATE):
    """The one predicate on dossiers, for a user and a purpose."""
    if purpose == Purpose.PUBLIC:
        return laureates_q()
    if not signed_in(user):
        return NOBODY
    staff = is_staff(user)
    if purpose == Purpose.REVIEW:
        if staff:
            return Q()
        return (
            Q(pk__in=ReviewAssignment.objects.filter(reviewer=user).values("application_id"))
            if is_reviewer(user)
            else NOBODY
        )
    operators = operators_of(user)
    if purpose == Purpose.STATISTICS:
        if staff:
            return Q()
        return (
            _accompanied_dossiers_q(operators)
            | Q(organisation_id__in=network_members(user))
            | Q(organisation_id__in=coordinated_networks(user))
            | Q(pk__in=_cofinanced(user))
        )
    private = Q() if staff else Q(organisation_id__in=acting_for(user)) | _accompanied_dossiers_q(operators)
    if purpose == Purpose.PRIVATE:
        return private
    if purpose == Purpose.FOLLOW_UP:
        return Q(status__in=FUNDED_STATES) & (private if staff else private | Q(pk__in=_cofinanced(user)))
    raise ValueError(f"no such purpose for a dossier: {purpose}")


def sees_every_application(user, purpose=Purpose.PRIVATE):
    """Whether this user's dossiers for this purpose are the whole table (FORIM staff): a total kept for
    the whole table (`grants.tally`) is then theirs too."""
    return application_q(user, purpose) == Q()


def applications(user, purpose=Purpose.PRIVATE, queryset=None):
    """The dossiers this user may see for this purpose (see the module's docstring)."""
    return _restrict(queryset, Application, application_q(user, purpose))


def follow_ups(user, queryset=None):
    """The follow-up view of funded dossiers (the cofinancing partner included)."""
    return applications(user, Purpose.FOLLOW_UP, queryset)


# What the reviewer of an anonymous-review call may open: the project's own documents. Every other
# type (statutes, registration receipt, general assembly, accounts, activity report, bank details,
# operator agreement) is administrative and names the association, so it stays hidden from them.
ANONYMOUS_REVIEW_DOCUMENT_TYPES = frozenset({"partner_letter", "other"})


def _attachment_q(user, dossier="application_id"):
    """The one rule on a dossier's files, `dossier` naming the field that holds the dossier's id."""
    every = Q(**{f"{dossier}__in": applications(user).values("pk")})
    if not is_reviewer(user):
        return every
    reviewed = applications(user, Purpose.REVIEW)
    return (
        every
        | Q(**{f"{dossier}__in": reviewed.filter(call__anonymous_review=False).values("pk")})
        | Q(
            **{f"{dossier}__in": reviewed.filter(call__anonymous_review=True).values("pk")},
            doc_type__in=ANONYMOUS_REVIEW_DOCUMENT_TYPES,
        )
    )


def application_documents(user, queryset=None):
    """A dossier's attachments: the private dossier (staff, the association, its operator) and the reviewers
    assigned to it (on an anonymous-review call, only ANONYMOUS_REVIEW_DOCUMENT_TYPES). Never a partner."""
    return _restrict(queryset, ApplicationDocument, _attachment_q(user))


def dossier_vault_documents(user, application, queryset=None):
    """The vault documents of a dossier's association, opened from that dossier: the same rule as the
    dossier's attachments (so a reviewer opens the statutes of a dossier they score, unless anonymous)."""
    queryset = OrganisationDocument.objects.all() if queryset is None else queryset
    if application is None or application.pk is None:
        return queryset.none()
    return (
        queryset.filter(organisation_id=application.organisation_id)
        .annotate(dossier_id=Value(application.pk, output_field=IntegerField()))
        .filter(_attachment_q(user, dossier="dossier_id"))
    )


def threads(user, queryset=None):
    """Dossiers whose message thread (the association and FORIM) the user may read: staff and the
    applicant organisation's members; not its operator, never a partner or a reviewer."""
    if is_staff(user):
        return _restrict(queryset, Application, Q())
    return _restrict(queryset, Application, Q(organisation_id__in=acting_for(user)) if signed_in(user) else NOBODY)


def reads_thread(user, application):
    """The object check of `threads`, the same rule without a query: staff, or a member of the applicant organisation
    (`holds_membership`, from the request's memberships)."""
    if application is None or application.pk is None:
        return False
    return is_staff(user) or holds_membership(user, application.organisation_id)


def messages(user, queryset=None):
    return _restrict(queryset, Message, Q(application__in=threads(user).values("pk")))


def calls(user, queryset=None):
    """Calls are public to everyone signed in (their rules are what associations apply to)."""
    return _restrict(queryset, Call, Q() if signed_in(user) else NOBODY)


# Statements of intent (first stage of a two-stage call) ----------------------------------------


def statement_q(user):
    """Staff all; the association's own members; the support operator accompanying it; never another association."""
    if not signed_in(user):
        return NOBODY
    if is_staff(user):
        return Q()
    return Q(organisation_id__in=acting_for(user)) | Q(organisation__operator_id__in=operators_of(user))


def statements(user, queryset=None):
    return _restrict(queryset, StatementOfIntent, statement_q(user))


# Follow-up of funded dossiers ------------------------------------------------------------------


def _of_private_dossiers(user, field="application"):
    return Q(**{f"{field}__in": applications(user).values("pk")})


def tranches(user, queryset=None):
    return _restrict(queryset, Tranche, _of_private_dossiers(user))


def payments(user, queryset=None):
    return _restrict(queryset, Payment, _of_private_dossiers(user, "tranche__application"))


def reports(user, queryset=None):
    return _restrict(queryset, Report, _of_private_dossiers(user))


def agreements(user, queryset=None):
    return _restrict(queryset, Agreement, _of_private_dossiers(user))


def top_ups(user, queryset=None):
    """Staff all; the association's side those of its dossiers; a partner its own (never another partner's)."""
    if is_staff(user):
        return _restrict(queryset, TopUp, Q())
    if not signed_in(user):
        return _restrict(queryset, TopUp, NOBODY)
    return _restrict(queryset, TopUp, _of_private_dossiers(user) | Q(rule__partner_id__in=partners_of(user)))


def partner_top_ups(user, queryset=None):
    """Only the user's partners' top-ups, even for staff who act for no partner (the partner's own view)."""
    return _restrict(queryset, TopUp, Q(rule__partner_id__in=partners_of(user)))


def cofinancing_rules(user, queryset=None):
    return _restrict(queryset, CofinancingRule, Q() if is_staff(user) else Q(partner_id__in=partners_of(user)))


def partners(user, queryset=None):
    """Partners whose cofinancing report this user may read: staff all, a partner's people their own."""
    base = Q(kind=OrganisationKind.PARTNER)
    return _restrict(queryset, Organisation, base if is_staff(user) else base & Q(pk__in=partners_of(user)))


# Organisations ---------------------------------------------------------------------------------

ACCOMPANIED_KINDS_EXCLUDED = (OrganisationKind.OPERATOR, OrganisationKind.PARTNER, OrganisationKind.FORIM)


def accompanied_q(operators):
    """Associations that have one of these operators as their OPAP, or an agreement with one."""
    return Q(operator_id__in=operators) | Q(
        pk__in=AccompanimentAgreement.objects.filter(operator_id__in=operators).values("association_id")
    )


def organisation_q(user, purpose=Purpose.PROFILE):
    if not signed_in(user):
        return NOBODY
    staff = is_staff(user)
    if purpose == Purpose.ACCOMPANIMENT:
        return ~Q(kind__in=ACCOMPANIED_KINDS_EXCLUDED) if staff else accompanied_q(operators_of(user))
    if staff:
        return Q()
    own = Q(pk__in=acting_for(user))
    if purpose == Purpose.PEOPLE:
        return own
    accompanied = Q(operator_id__in=operators_of(user))
    if purpose == Purpose.DOCUMENTS:
        return own | accompanied
    if purpose == Purpose.PROFILE:
        return own | accompanied | Q(pk__in=network_members(user))
    raise ValueError(f"no such purpose for an organisation: {purpose}")


def sees_every_organisation(user, purpose=Purpose.PROFILE):
    """Whether this user's organisations for this purpose are the whole table (FORIM staff): a total kept for
    the whole table (`members.tally`) is then theirs too."""
    return organisation_q(user, purpose) == Q()


def organisations(user, purpose=Purpose.PROFILE, queryset=None):
    """The organisations this user may see for this purpose (see the module's docstring)."""
    return _restrict(queryset, Organisation, organisation_q(user, purpose))


def organisation_documents(user, queryset=None):
    return _restrict(
        queryset, OrganisationDocument, Q(organisation__in=organisations(user, Purpose.DOCUMENTS).values("pk"))
    )


def people(user, queryset=None):
    """Memberships of the organisations whose people the user may see."""
    return _restrict(queryset, Membership, Q(organisation__in=organisations(user, Purpose.PEOPLE).values("pk")))


def invitations(user, queryset=None):
    return _restrict(queryset, Invitation, Q(organisation__in=organisations(user, Purpose.PEOPLE).values("pk")))


def france_actions(user, queryset=None):
    """Actions in France: those of the organisations the user may see."""
    return _restrict(queryset, FranceAction, Q(organisation__in=organisations(user).values("pk")))


# Accompaniment ---------------------------------------------------------------------------------


def support_logs(user, queryset=None):
    """Staff all; an operator's people the logs their operators wrote."""
    return _restrict(queryset, SupportLog, Q() if is_staff(user) else Q(operator_id__in=operators_of(user)))


def accompaniment_agreements(user, queryset=None):
    return _restrict(queryset, AccompanimentAgreement, Q() if is_staff(user) else Q(operator_id__in=operators_of(user)))


# Events ----------------------------------------------------------------------------------------


def managed_organisations(user):
    """Organisations whose events this user runs (admins and members, not viewers)."""
    return acting_for(user, roles=WRITERS)


def is_network_member(user):
    return memberships(user).filter(organisation__status=OrganisationStatus.VALIDATED).exists()


def event_q(user):
    """Open events for everyone; members-only for the network; invited-only for the invited and the organiser."""
    visible = Q(audience=Audience.OPEN)
    if not signed_in(user):
        return visible
    if is_staff(user):
        return Q()
    own = acting_for(user)
    visible |= Q(organiser_id__in=own) | Q(
        pk__in=Event.objects.filter(invitations__organisation_id__in=own).values("pk")
    )
    if is_network_member(user):
        visible |= Q(audience=Audience.MEMBERS)
    return visible


def events(user, queryset=None):
    return _restrict(queryset, Event, event_q(user))


def managed_events(user, queryset=None):
    """Events this user runs: all for staff, else those of the organisations they write for."""
    return _restrict(queryset, Event, Q() if is_staff(user) else Q(organiser_id__in=managed_organisations(user)))


def registrations(user, queryset=None):
    """The user's own registrations, its organisations' and those of the events it runs."""
    if is_staff(user):
        return _restrict(queryset, Registration, Q())
    if not signed_in(user):
        return _restrict(queryset, Registration, NOBODY)
    managed = managed_organisations(user)
    return _restrict(
        queryset,
        Registration,
        Q(user=user)
        | Q(email__iexact=user.email)
        | Q(organisation_id__in=managed)
        | Q(event__organiser_id__in=managed),
    )


# Instruction -----------------------------------------------------------------------------------


def review_assignments(user, queryset=None):
    if is_staff(user):
        return _restrict(queryset, ReviewAssignment, Q())
    return _restrict(queryset, ReviewAssignment, Q(reviewer=user) if is_reviewer(user) else NOBODY)


def review_q(user):
    """Staff; the review's author; another assigned reviewer once their own is sent; the association if shared."""
    if is_staff(user):
        return Q()
    if not signed_in(user):
        return NOBODY
    sent = Q(submitted_at__isnull=False)
    if is_reviewer(user):
        own_sent = ReviewAssignment.objects.filter(reviewer=user, review__submitted_at__isnull=False).values(
            "application_id"
        )
        return Q(assignment__reviewer=user) | (sent & Q(assignment__application_id__in=own_sent))
    return sent & Q(shared_with_applicant=True, assignment__application_id__in=applications(user).values("pk"))


def reviews(user, queryset=None):
    return _restrict(queryset, Review, review_q(user))


def committee_sessions(user, queryset=None):
    return _restrict(queryset, CommitteeSession, Q() if is_staff(user) else NOBODY)


# Past projects (imported history) -------------------------------------------------------------


def past_projects(user, purpose=Purpose.PUBLIC, queryset=None):
    """PUBLIC: every imported past project (facts of FORIM's history; pages show only title, association,
    country, year and amount). Any other purpose (the import pages, RNA, match notes): staff only."""
    condition = Q() if purpose == Purpose.PUBLIC or is_staff(user) else NOBODY
    return _restrict(queryset, PastProject, condition)


# Generated documents: each kind declares `readable(user)` (one of the functions above) ---------


def receipts(user, queryset=None):
    """Dossiers whose deposit receipt the user may read: the private dossier, once it has a reference."""
    return applications(user, queryset=queryset).filter(reference__isnull=False).exclude(reference="")


def staff_calls(user, queryset=None):
    return _restrict(queryset, Call, Q() if is_staff(user) else NOBODY)


def document_jobs(user, queryset=None):
    """Generated documents: staff all; others the documents of the objects they may read, whoever asked."""
    if is_staff(user):
        return _restrict(queryset, DocumentJob, Q())
    if not signed_in(user):
        return _restrict(queryset, DocumentJob, NOBODY)
    from documents.registry import all_kinds

    condition = NOBODY
    for code, spec in all_kinds().items():
        targets = spec.readable(user)
        condition |= Q(
            kind=code,
            target_type__app_label=targets.model._meta.app_label,
            target_type__model=targets.model._meta.model_name,
            target_id__in=targets.values("pk"),
        )
    return _restrict(queryset, DocumentJob, condition)


# Object checks ---------------------------------------------------------------------------------


def can_see(queryset, obj):
    """The object check of a visibility queryset: the same predicate, narrowed to one row."""
    return obj is not None and obj.pk is not None and queryset.filter(pk=obj.pk).exists()
