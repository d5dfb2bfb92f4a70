"""Which organisation the user acts for in this request (a user may act for several)."""

from django.utils.functional import LazyObject, empty

from .backends import LOADED_KEY

SESSION_KEY = "active_organisation_id"


def memberships_of(user):
    """The user's organisations, by name: one query, read once per request by the middleware."""
    return [row.organisation for row in _membership_rows(user)]


def _membership_rows(user):
    """The user's memberships with their organisations: as read with the user by accounts.backends when the
    session's user was just loaded there (one query for both), else read now."""
    from members.models import Membership

    loaded = user.__dict__.pop(LOADED_KEY, None)
    if loaded is not None:
        return loaded
    return list(Membership.objects.filter(user=user).select_related("organisation").order_by("organisation__name", "pk"))


def active_organisation(request, organisations=None):
    """The organisation chosen in the session, or the user's first, or None."""
    user = request.user
    if not user.is_authenticated:
        return None
    organisations = memberships_of(user) if organisations is None else organisations
    chosen = request.session.get(SESSION_KEY)
    return next((o for o in organisations if o.pk == chosen), organisations[0] if organisations else None)


def resolved(user):
    """The user object behind the lazy wrappers of the authentication and second-factor middlewares (one
    around the other): every `request.user.x` of a page went through both, some hundreds of times."""
    while isinstance(user, LazyObject):
        if user._wrapped is empty:
            user._setup()
        user = user._wrapped
    return user


class ActiveOrganisationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Resolved now, not lazily: views test `request.organisation is None`, which a lazy
        # proxy around None would never satisfy. Anonymous requests cost no query; the layout's
        # organisation switch reads `request.organisations` instead of querying again.
        # Set on the request as the instance itself: the wrappers' work (session, user, device) is done by now.
        request.user = user = resolved(request.user)
        if user.is_authenticated:
            # Kept on this request's user: its "member of this organisation?" checks read them, not the database
            # (access.visibility.holds_membership). A fresh user object is loaded for each request.
            user.memberships_read = _membership_rows(user)
            request.organisations = [row.organisation for row in user.memberships_read]
        else:
            request.organisations = []
        request.organisation = active_organisation(request, request.organisations)
        return self.get_response(request)
