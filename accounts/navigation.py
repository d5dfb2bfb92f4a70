"""The main navigation and the home page's sections, each app registering its own.

accounts is the lowest domain app (CONTRIBUTING.md, "Apps depend one way"): it knows none of the
apps above it. Each app adds its links and its home sections here from its `AppConfig.ready()`
(see `<app>/home.py`), saying who sees them with a predicate (a `rules` predicate on the user).
`order` places an entry among the other apps' entries: the bar reads the same whatever the
order of INSTALLED_APPS.

A home section is a function `(request) -> dict | None` returning `{"title", "template", ...}`;
it returns None when it has nothing for this user.
"""

from dataclasses import dataclass
from functools import lru_cache

import rules
from django.urls import get_script_prefix, get_urlconf, reverse

from .models import Role


@dataclass(frozen=True)
class Entry:
    key: str  # a link's URL name, a section's function path
    order: int
    visible: rules.Predicate
    label: str = ""
    provider: object = None


LINKS = {}
SECTIONS = {}


def role_of(user):
    """A superuser counts as a FORIM administrator."""
    return Role.ADMIN if user.is_superuser else user.role


def has_role(*roles):
    """The predicate "the signed-in user has one of these roles"."""
    names = "_".join(sorted(roles))
    return rules.predicate(lambda user: user.is_authenticated and role_of(user) in roles, name=f"has_role_{names}")


STAFF = (Role.STAFF, Role.ADMIN)
signed_in = rules.is_authenticated
visitor = ~rules.is_authenticated  # the public home page's sections


def add_link(url_name, label, *, order, visible=signed_in):
    LINKS[url_name] = Entry(key=url_name, order=order, visible=visible, label=label)


def add_home_section(provider, *, order, visible):
    key = f"{provider.__module__}.{provider.__qualname__}"
    SECTIONS[key] = Entry(key=key, order=order, visible=visible, provider=provider)


def _for(entries, user):
    return [entry for entry in sorted(entries.values(), key=lambda e: (e.order, e.key)) if entry.visible(user)]


@lru_cache(maxsize=256)
def _url(name, urlconf, prefix):
    """A link's address: the same for every request of a process with this URLconf and prefix, so
    reversed once (a dozen `reverse()` calls on every page otherwise)."""
    return reverse(name, urlconf=urlconf)


def links_for(request):
    """The links this user sees, in order, the current one marked."""
    links = []
    for entry in _for(LINKS, request.user):
        url = _url(entry.key, get_urlconf(), get_script_prefix())
        links.append({"url": url, "label": entry.label, "active": request.path.startswith(url) and url != "/"})
    return links


def sections_for(request):
    """This user's home sections, in order, those with nothing to show left out."""
    return [section for entry in _for(SECTIONS, request.user) if (section := entry.provider(request))]
