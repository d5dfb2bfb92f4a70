"""Which organisation the user acts for in this request (a user may act for several)."""

SESSION_KEY = "active_organisation_id"


def active_organisation(request):
    """The organisation chosen in the session, or the user's first, or None."""
    user = request.user
    if not user.is_authenticated:
        return None
    from members.models import Membership

    memberships = Membership.objects.filter(user=user).select_related("organisation").order_by("organisation__name")
    chosen = request.session.get(SESSION_KEY)
    first = None
    for membership in memberships:
        if membership.organisation_id == chosen:
            return membership.organisation
        first = first or membership.organisation
    return first


class ActiveOrganisationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Resolved now, not lazily: views test `request.organisation is None`, which a lazy
        # proxy around None would never satisfy. Anonymous requests cost no query.
        request.organisation = active_organisation(request)
        return self.get_response(request)
