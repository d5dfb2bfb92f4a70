"""Every permission of the portal, registered once as a `rules` predicate built on `access.visibility`.

`access.permissions.has_perm(user, "grants.view_application", application)` (or `require` in a
view, `HasPermission` in the API; `User.has_perm` too, though it says yes to any superuser)
is the only way a page asks. "May see" predicates are the visibility querysets narrowed to the object, so a detail
never shows what its list would not; "may do" predicates add the member role or staff.
"""

import rules

from . import visibility as v
from .visibility import Purpose


def sees(kind, purpose=None):
    """A predicate answering "the object is in `kind(user, purpose)`" (the list's own query)."""

    def check(user, obj):
        queryset = kind(user) if purpose is None else kind(user, purpose)
        return v.can_see(queryset, obj)

    check.__name__ = f"sees_{kind.__name__}_{purpose or 'default'}"
    return rules.predicate(check)


# Who the user is
@rules.predicate
def is_forim_staff(user, _obj=None):
    """The one staff check (FORIM staff and administrators), usable with or without an object."""
    return v.is_staff(user)


is_reviewer = rules.predicate(v.is_reviewer, name="is_reviewer")


def _in(organisation_id, user, **kwargs):
    return v.holds_membership(user, organisation_id, **kwargs)


@rules.predicate
def is_member_of(user, organisation):
    return organisation is not None and _in(organisation.pk, user)


@rules.predicate
def is_admin_of(user, organisation):
    return organisation is not None and _in(organisation.pk, user, roles=[v.MemberRole.ADMIN])


@rules.predicate
def can_edit_for(user, organisation):
    """Administrators and members may write for an organisation; viewers only read."""
    return organisation is not None and _in(organisation.pk, user, roles=v.WRITERS)


@rules.predicate
def is_operator_of(user, organisation):
    """The user acts for the support operator that accompanies this organisation."""
    return organisation is not None and _in(organisation.operator_id, user, kinds=[v.OrganisationKind.OPERATOR])


@rules.predicate
def acts_for_partner(user, organisation):
    return organisation is not None and _in(organisation.pk, user, kinds=[v.OrganisationKind.PARTNER])


# Dossiers: the applicant's side
@rules.predicate
def acts_for_applicant(user, application):
    return application is not None and _in(application.organisation_id, user)


@rules.predicate
def edits_for_applicant(user, application):
    return application is not None and _in(application.organisation_id, user, roles=v.WRITERS)


@rules.predicate
def is_accompanying_operator(user, application):
    if application is None:
        return False
    operator_id = application.operator_id or application.organisation.operator_id
    return _in(operator_id, user, kinds=[v.OrganisationKind.OPERATOR])


@rules.predicate
def is_cofinancing_partner(user, application):
    """The user acts for a partner that tops up this dossier."""
    return application is not None and v.partner_top_ups(user).filter(application_id=application.pk).exists()


can_view_application = sees(v.applications, Purpose.PRIVATE)
can_view_follow_up = sees(v.applications, Purpose.FOLLOW_UP)
can_read_for_review = sees(v.applications, Purpose.REVIEW)
is_assigned_reviewer = is_reviewer & can_read_for_review


# Funded dossiers
can_view_private = can_view_application  # agreement, payments, reports and their certificates
can_edit_report = edits_for_applicant  # of the report's dossier


@rules.predicate
def can_hand_in_report(user, report):
    return report is not None and edits_for_applicant(user, report.application)


can_view_partner_report = sees(v.partners)

# Organisations
can_view_organisation = sees(v.organisations, Purpose.PROFILE)
can_view_people = sees(v.organisations, Purpose.PEOPLE)
can_view_documents = sees(v.organisations, Purpose.DOCUMENTS)
can_view_accompaniment = sees(v.organisations, Purpose.ACCOMPANIMENT)
can_change_organisation = is_forim_staff | is_admin_of
can_edit_documents = is_forim_staff | can_edit_for
can_manage_people = is_admin_of


@rules.predicate
def can_log_for(user, association):
    """The user writes for an operator that accompanies the association."""
    writers = v.operators_of(user, writers_only=True)
    return association is not None and v.can_see(v.Organisation.objects.filter(v.accompanied_q(writers)), association)


# Events
can_view_event = sees(v.events)
can_manage_event = sees(v.managed_events)

# Instruction
can_instruct = is_forim_staff
can_give_opinion = is_accompanying_operator
can_read_review = sees(v.reviews)


can_view_job = sees(v.document_jobs)

# Statements of intent
can_view_statement = sees(v.statements)


@rules.predicate
def edits_statement(user, statement):
    """The association's administrators and members write its statement (viewers and its operator only read)."""
    return statement is not None and _in(statement.organisation_id, user, roles=v.WRITERS)


PERMISSIONS = {
    "access.staff": is_forim_staff,
    "grants.view_application": can_view_application,
    "grants.view_receipt": sees(v.receipts),
    "grants.change_application": edits_for_applicant,
    "grants.act_for_applicant": is_forim_staff | acts_for_applicant,  # the steps pages
    "grants.read_thread": rules.predicate(v.reads_thread, name="reads_thread"),
    "awards.view_follow_up": can_view_follow_up,
    "awards.view_private": can_view_private,
    "awards.edit_report": can_edit_report,
    "awards.hand_in_report": can_hand_in_report,
    "awards.view_partner_report": can_view_partner_report,
    "members.view_organisation": can_view_organisation,
    "members.change_organisation": can_change_organisation,
    "members.view_people": can_view_people,
    "members.view_documents": can_view_documents,
    "members.change_documents": can_edit_documents,
    "members.manage_people": can_manage_people,
    "members.edit_actions": is_forim_staff | can_edit_for,
    "support.view_accompaniment": can_view_accompaniment,
    "support.add_supportlog": can_log_for,
    "events.view_event": can_view_event,
    "events.manage_event": can_manage_event,
    "reviews.instruct": can_instruct,
    "reviews.review_application": can_read_for_review,
    "reviews.view_review": can_read_review,
    "reviews.give_opinion": can_give_opinion,
    "documents.view_job": can_view_job,
    "intents.view_statement": can_view_statement,
    "intents.change_statement": edits_statement,
    "intents.decide_statement": is_forim_staff,
}

for _name, _predicate in PERMISSIONS.items():
    rules.add_perm(_name, _predicate)
