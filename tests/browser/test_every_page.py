"""Every page each role reaches by clicking from the home page, on the demo data: axe-core finds no serious or
critical violation, and on a phone no page is wider than the screen.

A crawler, not a list: it starts at the home page, follows the links a person can click (same site, not a file,
not "se déconnecter"), one page per URL pattern and role, and checks each. A page nobody links to is not
checked here; the security matrix (tests/security/test_matrix.py) walks every pattern for access.
"""

import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve

from accounts.demo import DEMO_PASSWORD

from .a11y import violations
from .conftest import browser_login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1440, "height": 900}
# role -> (demo login, viewport): associations and visitors on a phone, the others at a desk
ROLES = {
    "visitor": (None, PHONE),
    "association": ("association@example.org", PHONE),
    "staff": ("instruction@example.org", DESKTOP),
    "reviewer": ("evaluatrice@example.org", DESKTOP),
    "operator": ("operateur@example.org", DESKTOP),
    "partner": ("partenaire@example.org", DESKTOP),
    "coordinator": ("coordination@example.org", DESKTOP),
}
NOT_A_PAGE = re.compile(r"\.(pdf|csv|xlsx|ics|xml|zip|png|svg)$|/deconnexion/|^/admin/|^/api/(?!docs/)|^/static/|^/media/")
MAX_PAGES = 60  # per role; the demo's pages per role are fewer


def page_key(path):
    """One visit per URL pattern (a dossier page stands for all dossier pages)."""
    try:
        return resolve(path).route
    except Resolver404:
        return None


def crawl(page, base, *, width):
    """Breadth-first from the home page; returns the pages seen and the problems found on them."""
    seen, problems, queue = set(), [], deque(["/"])
    while queue and len(seen) < MAX_PAGES:
        path = queue.popleft()
        key = page_key(urlsplit(path).path)
        if key is None or key in seen:
            continue
        answer = page.request.get(base + path, max_redirects=0)
        if answer.status >= 300 or "text/html" not in answer.headers.get("content-type", ""):
            continue  # a redirect, a refusal or a file: not a page of this role's
        seen.add(key)
        page.goto(path)
        problems += [f"{path}: {line}" for line in violations(page)]
        if width and (wide := page.evaluate("document.documentElement.scrollWidth")) > width:
            problems.append(f"{path}: {wide} px wide on a {width} px screen")
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))"):
            target = urlsplit(urljoin(base + path, href))
            if target.netloc == urlsplit(base).netloc and not NOT_A_PAGE.search(target.path):
                queue.append(target.path + (f"?{target.query}" if target.query else ""))
    return seen, problems


def test_every_page_each_role_clicks_to_is_accessible_and_fits(browser, live_server):
    call_command("load_demo", verbosity=0)
    report, problems = {}, []
    for role, (email, viewport) in ROLES.items():
        context = browser.new_context(base_url=live_server.url, locale="fr-FR", viewport=viewport)
        page = context.new_page()
        if email:
            browser_login(page, email, DEMO_PASSWORD)
        seen, found = crawl(page, live_server.url, width=viewport["width"] if viewport is PHONE else None)
        screenshot(page, f"every-page-{role}-last")
        report[role] = len(seen)
        problems += [f"[{role}] {line}" for line in found]
        context.close()
    print("pages checked per role:", report)
    assert min(report.values()) >= 3, report  # the crawler really went somewhere for each role
    assert not problems, "\n".join(problems)
