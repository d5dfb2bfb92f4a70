"""Who may see or act on which dossier. Used by views, querysets, the API and the workflow."""

import rules
from django.db.models import Q

from members.models import MemberRole, OrganisationKind
from members.rules import is_forim_staff, organisation_ids


@rules.predicate
def acts_for_applicant(user, application):
    return application is not None and application.organisation_id in organisation_ids(user)


@rules.predicate
def edits_for_applicant(user, application):
    return application is not None and application.organisation_id in organisation_ids(
        user, roles=[MemberRole.ADMIN, MemberRole.MEMBER]
    )


@rules.predicate
def is_accompanying_operator(user, application):
    if application is None:
        return False
    operator_id = application.operator_id or application.organisation.operator_id
    return operator_id is not None and operator_id in organisation_ids(user, kinds=[OrganisationKind.OPERATOR])


can_view_application = is_forim_staff | acts_for_applicant | is_accompanying_operator
rules.add_perm("grants.view_application", can_view_application)
rules.add_perm("grants.change_application", edits_for_applicant)


def visible_applications(user, queryset=None):
    """The dossiers a user may list: the one queryset every list, export and API shares."""
    from .models import Application

    queryset = Application.objects.all() if queryset is None else queryset
    if not user or not user.is_authenticated:
        return queryset.none()
    if user.is_forim_staff:
        return queryset
    own = organisation_ids(user)
    operators = organisation_ids(user, kinds=[OrganisationKind.OPERATOR])
    condition = Q(organisation_id__in=own)
    if operators:
        condition |= Q(operator_id__in=operators) | Q(operator__isnull=True, organisation__operator_id__in=operators)
    partners = organisation_ids(user, kinds=[OrganisationKind.PARTNER])
    if partners and hasattr(Application, "top_ups"):
        condition |= Q(top_ups__rule__partner_id__in=partners)  # a partner sees the dossiers it cofinances
    # Reviewers are not given dossiers here: they reach their assigned ones only through
    # the reviews app, which hides the applicant's identity when the call asks for it.
    return queryset.filter(condition).distinct()
