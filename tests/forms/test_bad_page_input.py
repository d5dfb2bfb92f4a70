"""Every page POST form, fed junk as each role that sees it: never a 500; a refusal is a French 4xx that
shows the form again with what was typed.

The forms are found the way a person finds them: each demo role follows the links of the portal from its
home page, and every POST form met is filled as the browser would, then one field at a time is replaced by junk.
"""

import io
from collections import deque
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django.utils.html import escape

from accounts.models import User
from tests.bad_input import describe, is_french, rolled_back
from tests.conftest import login

from .browser_form import page_forms

pytestmark = pytest.mark.django_db

ROLES = [
    "instruction@example.org",
    "association@example.org",
    "operateur@example.org",
    "evaluateur@example.org",
    "partenaire@example.org",
    "coordination@example.org",
    "evaluatrice@example.org",  # the demo reviewer with an assignment still to review
]
JUNK = ["abc", "1e999", "-99999999999999999999", "abc\x00def", "x" * 5000]
SKIPPED_LINKS = (
    "/admin/",
    "/api/",
    "/i18n/",
    "/static/",
    "/media/",
    "deconnexion",
    "telecharger",
    "fichier",
    ".pdf",
    ".ics",
    ".csv",
    ".zip",
    ".xlsx",
    "/csv/",
)
SKIPPED_FORMS = {"accounts:logout", "set_language"}
TYPED = {"text", "number", "email", "url", "tel", "date", "datetime-local", "search", "textarea"}
MAX_PAGES = 50
# Section homes, so every role's part of the portal is walked within MAX_PAGES.
SEEDS = ["/", "/suivi/", "/suivi/cofinancement/regles/", "/instruction/evaluateur/", "/accompagnement/", "/evenements/"]


def _links(html):
    from html.parser import HTMLParser

    found = []

    class Links(HTMLParser):
        def handle_starttag(self, tag, attrs):
            href = dict(attrs).get("href") if tag == "a" else None
            if href and href.startswith("/") and "?" not in href and not any(skip in href for skip in SKIPPED_LINKS):
                found.append(href.split("#")[0])

    Links().feed(html)
    return found


def _view_name(path):
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


def starting_points():
    """Pages deep in the follow-up that 50 pages of links may not reach: an awarded dossier with a signed
    agreement and a tranche left to pay (the payment form), and a review assignment still open (the review form)."""
    from awards.models import Tranche
    from grants.states import State
    from reviews.models import ReviewAssignment

    payable = (Tranche.objects.filter(application__status__in=[State.AGREEMENT_SIGNED, State.IN_PROGRESS], number=1, payments=None)
               .order_by("pk").first())
    open_review = ReviewAssignment.objects.filter(review__submitted_at__isnull=True).order_by("pk").first()
    assert payable is not None and open_review is not None, "the demo data has no payable tranche or no open review"
    return [reverse("awards:detail", args=[payable.application_id]), reverse("reviews:review", args=[open_review.pk])]


def crawl(client, extra_seeds=()):
    """The POST forms a role meets from its home page: {(view name, fields): (page, form)}."""
    seen, queue, forms = set(), deque([*extra_seeds, *SEEDS]), {}
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        for form in page_forms(html):
            action = urlsplit(form.url(url)).path
            name = _view_name(action)
            if form.method == "post" and name and name not in SKIPPED_FORMS:
                forms.setdefault((name, frozenset(form.field_names)), (url, action, form))
        queue.extend(link for link in _links(html) if link not in seen)
    return forms


def _refused_here(response):
    body = response.content.decode(errors="replace")
    return 'class="errorlist"' in body or "alert-error" in body


def problem_with(response, *, value, typed, base_refused):
    """What is wrong with a page's answer to junk, as a short kind: "500", "200" (refused, but with a 200),
    "english" (refused, not in French), "lost" (refused, what was typed not shown again), or None.
    `base_refused`: the form posted untouched is already refused (an empty creation form), so a 200
    showing errors there is the page's choice, not this field's."""
    if response.status_code >= 500:
        return "500"
    body = response.content.decode(errors="replace")
    refused_here = _refused_here(response)
    if response.status_code == 200 and refused_here and not base_refused:
        return "200"
    if 400 <= response.status_code < 500:
        if not is_french(body):
            return "english"
        # A browser never sends a NUL byte typed by a person: only the other junk must be shown again.
        html = "text/html" in response.get("Content-Type", "")
        if typed and "\x00" not in value and html and refused_here and escape(value) not in body:
            return "lost"
    return None


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())
    _open_a_review()
    _sign_an_award()


def _sign_an_award():
    """The demo's awarded project has its first tranche paid and the next waiting for a report: award the dossier
    waiting for the committee and record its signed agreement, so a tranche is there to pay."""
    from django.core.files.base import ContentFile

    from awards import services as awards_services
    from grants.models import Application
    from grants.states import State
    from reviews.models import CommitteeSession, SessionStatus
    from reviews.services import record_decision

    staff = User.objects.get(email="instruction@example.org")
    application = Application.objects.filter(status=State.READY_FOR_COMMITTEE).order_by("pk").first()
    session = CommitteeSession.objects.get(call=application.call, status=SessionStatus.OPEN)
    record_decision(session=session, application=application, by=staff, outcome="award", amount="10000", reason="Projet solide.")
    signed = ContentFile(b"%PDF-1.4\n%%EOF\n", name="convention-signee.pdf")
    awards_services.record_signed_agreement(application=application, signed_file=signed, by=staff)


def _open_a_review():
    """The demo's reviews are all handed in: put the submitted dossier under review, with an assignment to do."""
    from grants import workflow
    from grants.models import Application
    from grants.states import State
    from reviews import services
    from reviews.models import HUMAN_CHECKS

    staff = User.objects.get(email="instruction@example.org")
    application = Application.objects.filter(status=State.SUBMITTED).order_by("pk").first()
    services.save_checklist(application=application, by=staff, checked_codes={code for code, _label in HUMAN_CHECKS})
    workflow.fire(application, "declare_admissible", by=staff)
    workflow.fire(application, "start_review", by=staff)
    services.assign_reviewer(application=application, reviewer=User.objects.get(email="evaluatrice@example.org"), by=staff)


# Found by the walk (issue 13): (view name, kind) -> owner. All were fixed; an entry added here must be fixed too,
# and the test fails once it is, so the list only shrinks.
KNOWN_GAPS = {}


def test_every_page_form_answers_junk_without_a_500_and_in_french(demo):
    problems, forms_tried, seeds = {}, set(), starting_points()
    for email in ROLES:
        client = Client(raise_request_exception=False)
        login(client, User.objects.get(email=email))
        for (name, _fields), (page, action, form) in crawl(client, seeds).items():
            if name in forms_tried:
                continue
            forms_tried.add(name)
            base = form.data()
            base_refused = _refused_here(rolled_back(client.post, action, base))
            for field in sorted(form.field_names - {"csrfmiddlewaretoken"}):
                if form.types.get(field) == "file":
                    continue
                for value in JUNK:
                    response = rolled_back(client.post, action, {**base, field: value})
                    problem = problem_with(
                        response,
                        value=value,
                        typed=form.types.get(field) in TYPED,
                        base_refused=base_refused,
                    )
                    if problem:
                        problems.setdefault((name, problem), []).append(
                            f"{field}={describe(value)} as {email} from {page}"
                        )
    must = {
        "members:organisation_edit",
        "members:action_edit",
        "accounts:profile",
        "events:edit",
        "support:log_create",
        "grants:application_edit",
        "awards:rule_edit",
        "awards:payment_create",
        "reviews:review",
    }
    assert must <= forms_tried, sorted(must - forms_tried)
    new = {key: found for key, found in problems.items() if key not in KNOWN_GAPS}
    assert not new, "\n".join(f"{name} {kind}: {found[:3]}" for (name, kind), found in sorted(new.items()))
    fixed = sorted(set(KNOWN_GAPS) - set(problems))
    assert not fixed, f"now refused properly, remove from KNOWN_GAPS: {fixed}"
