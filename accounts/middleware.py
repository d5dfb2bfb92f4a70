"""Which organisation the user acts for in this request (a user may act for several)."""

SESSION_KEY = "active_organisation_id"


def memberships_of(user):
    """The user's organisations, by name: one query, read once per request by the middleware."""
    from members.models import Membership

    return [m.organisation for m in Membership.objects.filter(user=user).select_related("organisation").order_by("organisation__name")]


def active_organisation(request, organisations=None):
    """The organisation chosen in the session, or the user's first, or None."""
    user = request.user
    if not user.is_authenticated:
        return None
    organisations = memberships_of(user) if organisations is None else organisations
    chosen = request.session.get(SESSION_KEY)
    return next((o for o in organisations if o.pk == chosen), organisations[0] if organisations else None)


class ActiveOrganisationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Resolved now, not lazily: views test `request.organisation is None`, which a lazy
        # proxy around None would never satisfy. Anonymous requests cost no query; the layout's
        # organisation switch reads `request.organisations` instead of querying again.
        request.organisations = memberships_of(request.user) if request.user.is_authenticated else []
        request.organisation = active_organisation(request, request.organisations)
        return self.get_response(request)
