"""Walk every URL pattern as every role and name what each one gets.

Each request runs inside a savepoint rolled back afterwards, so a POST that would change
something (withdraw, delete, decide) leaves the world as it was for the next role.
"""

import copy
import re

from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import login

OK, LOGIN, DENIED, HIDDEN, NOT_ALLOWED = "ok", "login", 403, 404, 405
# Reached the view, which refused the (empty) input: the user was let through.
INPUT_REFUSED = {400, 409, 422}
SKIPPED_PREFIXES = ("admin/", "i18n/")


def walk_patterns(resolver=None, prefix="", namespace=""):
    """(route, name) of every named pattern, the API's format-suffix twins left out."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from walk_patterns(pattern, route, inner)
        elif isinstance(pattern, URLPattern):
            if route.startswith(SKIPPED_PREFIXES) or "format" in pattern.pattern.regex.groupindex:
                continue
            yield route, f"{namespace}{pattern.name}" if pattern.name else route


def fill(route, kwargs):
    """Turn a route (path converters or DRF regex) into a URL with these values."""

    def value(match):
        key = match.group("name")
        if key not in kwargs:
            raise KeyError(key)
        return str(kwargs[key])

    url = re.sub(r"\(\?P<(?P<name>\w+)>[^)]*\)", value, route)
    url = re.sub(r"<(?:\w+:)?(?P<name>\w+)>", value, url)
    return "/" + url.replace("^", "").replace("$", "").replace("\\", "")


def route_params(route):
    return re.findall(r"\(\?P<(\w+)>", route) or re.findall(r"<(?:\w+:)?(\w+)>", route)


def outcome(response):
    status = response.status_code
    if status in (301, 302, 303) and response["Location"].split("?")[0].endswith("/connexion/"):
        return LOGIN
    if status == 401:
        return LOGIN
    if 200 <= status < 400 or status in INPUT_REFUSED:
        return OK
    return status


def client_for(user):
    """One logged-in client per role: its session row lives outside the rolled-back savepoints."""
    client = Client(raise_request_exception=False)
    if user is not None:
        login(client, user)
    return client


def request_as(client, url, method):
    cookies = copy.deepcopy(client.cookies)
    with transaction.atomic():
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, {}, headers={"accept": "application/json"} if url.startswith("/api/") else {})
        transaction.set_rollback(True)
    client.cookies = cookies  # a logout or login inside the savepoint is undone with it
    return response
