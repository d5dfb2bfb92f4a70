"""Who may see which dossier, review or committee in the instruction pages and API."""

import rules

from accounts.models import Role
from grants.rules import can_view_application, is_accompanying_operator
from members.rules import is_forim_staff


@rules.predicate
def is_reviewer(user):
    return bool(user and user.is_authenticated and user.role == Role.REVIEWER)


@rules.predicate
def is_assigned_reviewer(user, application):
    """The reviewer was asked to score this dossier (and has not withdrawn for a conflict)."""
    return bool(application is not None and is_reviewer(user) and application.review_assignments.filter(reviewer=user).exists())


can_instruct = is_forim_staff
can_give_opinion = is_accompanying_operator
can_read_for_review = is_forim_staff | is_assigned_reviewer


def can_read_review(user, review):
    """Staff; the review's author; another assigned reviewer once their own is sent; the association if shared."""
    if not user or not user.is_authenticated:
        return False
    if is_forim_staff(user):
        return True
    assignment = review.assignment
    if assignment.reviewer_id == user.pk:
        return True
    if not review.is_submitted:
        return False
    if is_reviewer(user):
        return assignment.application.review_assignments.filter(reviewer=user, review__submitted_at__isnull=False).exists()
    return review.shared_with_applicant and can_view_application(user, assignment.application)


rules.add_perm("reviews.instruct", can_instruct)
rules.add_perm("reviews.review_application", can_read_for_review)
