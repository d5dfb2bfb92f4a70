"""The navigation bar: the links the apps registered (accounts.navigation) that this user sees."""

from .navigation import links_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_links": []}
    return {"nav_links": links_for(request), "active_organisation": getattr(request, "organisation", None)}
