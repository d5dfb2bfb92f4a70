"""In English, the portal writes no French: every page, e-mail and the receipt PDF.

Each role of the security world (tests/security/world.py) reads in English (its account's
language and the `django_language` cookie); every page it may open (the URL table of
tests/security/test_matrix.py) is rendered, so are the e-mails the services send to English
readers and the receipt PDF attached to one. The visible text must hold none of a list of common
French words. Text people typed (names, titles, labels stored in the database) is left out:
data stays as typed, what the portal itself writes must follow the reader's language.
"""

import io
import os
import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.core import mail
from django.db import models
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import User
from grants.countries import load_country_list
from members.choices import Region
from tests.conftest import login
from tests.security.test_matrix import EXPECTED, params_for
from tests.security.walk import fill, request_as, walk_patterns
from tests.security.world import build_world

# Common French words that an English reader must never meet (an English word spelled the same,
# like "association" or "document", is not listed).
FRENCH_WORDS = {
    "à",
    "au",
    "aux",
    "avec",
    "ce",
    "cette",
    "dans",
    "de",
    "des",
    "du",
    "en",
    "est",
    "et",
    "la",
    "le",
    "les",
    "leur",
    "ou",
    "par",
    "pas",
    "pour",
    "qui",
    "sa",
    "ses",
    "son",
    "sur",
    "un",
    "une",
    "vos",
    "votre",
    "vous",
    "être",
    "été",
    "dossier",
    "dossiers",
    "appel",
    "appels",
    "montant",
    "versement",
    "versements",
    "Mo",
    "mois",
    "jours",
    "Enregistrer",
    "Déposer",
    "Modifier",
    "Supprimer",
    "Télécharger",
    "Générer",
    "Régénérer",
    "Retour",
    "Accueil",
    "inscrit",
    "inscrits",
    "lauréat",
    "lauréats",
    "subvention",
    "convention",
    "évaluation",
    "pièces",
    "heure",
}
FRENCH = {word.lower() for word in FRENCH_WORDS}

# Proper names that stay French in English: FORIM's own name, French regions, neighbourhoods.
PROPER_NAMES = re.compile(
    "|".join(
        re.escape(name)
        for name in [
            "Forum des Organisations de Solidarité Internationale issues des Migrations",
            *Region.labels,
            "Le Blosne",
            "La Mosson",
            "Château-Rouge",
        ]
    )
)
# The roles whose pages differ (the second of each pair sees the same pages as the first).
ROLES = ["anon", "asso_a", "reviewer_1", "operator_1", "staff", "partner", "coordinator"]
# Addresses, links and file names are not prose.
NOT_PROSE = re.compile(
    r"https?://\S+|[\w.+-]+@[\w.-]+|\S+\.(?:pdf|xlsx|csv|ics|zip|docx|odt|ods|png|jpe?g)\b|/\S*", re.I
)
HIDDEN_TAGS = {"script", "style", "template", "noscript"}
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
READ_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")


class VisibleText(HTMLParser):
    """The text a reader sees or hears: text nodes and labelling attributes, without scripts,
    without what is marked as French on purpose (the language switch's "Français", lang="fr") and
    without what is marked as never translated (translate="no": a random key, a recovery code)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.skipping = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        french = (attrs.get("lang") or "").lower().startswith("fr") and tag != "html"
        kept_as_is = french or attrs.get("translate") == "no"
        if tag not in VOID_TAGS:
            self.skipping.append(tag in HIDDEN_TAGS or kept_as_is)
        if any(self.skipping) or kept_as_is:
            return
        self.parts += [attrs[name] for name in READ_ATTRIBUTES if attrs.get(name)]
        if tag == "input" and attrs.get("type") in {"submit", "button"} and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag not in VOID_TAGS and self.skipping:
            self.skipping.pop()

    def handle_data(self, data):
        if not any(self.skipping):
            self.parts.append(data)


def visible_text(html):
    parser = VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def typed_data():
    """A pattern matching every text stored in the database that people typed (no choice field)."""
    texts = set()
    for model in apps.get_models():
        fields = [
            field.attname
            for field in model._meta.concrete_fields
            if isinstance(field, (models.CharField, models.TextField, models.JSONField)) and not field.choices
        ]
        if not fields:
            continue
        for row in model._default_manager.values_list(*fields):
            for value in row:
                texts.update(text.strip() for text in _strings(value) if len(text.strip()) >= 2)
    ordered = sorted(texts, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(text) for text in ordered) + r")(?!\w)") if ordered else None


def french_words(text, data):
    """[(word, a few words around it)] of the French words in `text`, data and addresses left out."""
    text = PROPER_NAMES.sub(" ", NOT_PROSE.sub(" ", data.sub(" ", text) if data else text))
    found = []
    for match in re.finditer(r"[^\W\d_]+", text):
        if match.group().lower() in FRENCH:
            found.append((match.group(), " ".join(text[max(0, match.start() - 50) : match.end() + 50].split())))
    return found


@pytest.fixture
def english_world(db):
    world = build_world()
    # The eligible-country list is data loaded from its file, as `make run` and production do: its
    # name (the DAC list's own title) is then stored text, left as written like every other.
    load_country_list()
    User.objects.update(language="en")
    world.clients = {}
    for role in ROLES:
        client = Client(raise_request_exception=False)
        if role != "anon":
            login(client, User.objects.get(pk=world.users[role].pk))
        client.cookies["django_language"] = "en"
        world.clients[role] = client
    return world


def test_the_text_reader_keeps_what_people_read():
    html = (
        '<html lang="en"><head><title>Home</title><script>var à = 1;</script></head><body>'
        '<p>Your <b>application</b><br>is filed</p><img alt="Logo des lauréats" src="x.png">'
        '<button lang="fr">Français</button><code translate="no">DE4L</code>'
        '<input type="submit" value="Envoyer"></body></html>'
    )
    text = visible_text(html)
    assert text.split() == ["Home", "Your", "application", "is", "filed", "Logo", "des", "lauréats", "Envoyer"]
    assert [word for word, _ in french_words(text, None)] == ["des", "lauréats"]


def pages_read(world, clients):
    """(role, url, html) of every page (GET, not the API) each role's client may open in the world."""
    for route, name in walk_patterns():
        row = EXPECTED.get(name)
        kwargs = params_for(name, route, world)
        if row is None or row["method"] != "GET" or route.startswith("api/") or kwargs is None:
            continue
        url = fill(route, kwargs)
        for role, client in clients.items():
            response = request_as(client, url, "GET")
            if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
                yield role, url, response.content.decode()


def test_every_page_reads_in_english_for_every_role(english_world):
    data = typed_data()
    problems, pages = [], 0
    for role, url, html in pages_read(english_world, english_world.clients):
        pages += 1
        assert '<html lang="en"' in html[:500], f"{url} as {role} is not served in English"
        problems += [f"{role} {url}: «{word}» in “{around}”" for word, around in french_words(visible_text(html), data)]
    assert pages > 100, f"only {pages} pages rendered: the walk lost its way"
    if os.environ.get("ENGLISH_PRINT"):
        with open(os.environ["ENGLISH_PRINT"], "w") as out:
            out.write("\n".join(sorted(set(problems))))
    assert not problems, f"{len(problems)} French words on English pages:\n" + "\n".join(sorted(set(problems))[:80])


def _mail_problems(data, readers):
    problems = []
    for message in mail.outbox:
        if not set(message.to) & readers:
            continue
        for word, around in french_words(f"{message.subject}\n{message.body}", data):
            problems.append(f"{message.to[0]} «{message.subject}»: «{word}» in “{around}”")
        for filename, content, mimetype in message.attachments:
            if mimetype == "application/pdf":
                text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
                problems += [f"{filename}: «{word}» in “{around}”" for word, around in french_words(text, data)]
    return problems


def test_emails_and_the_receipt_reach_english_readers_in_english(english_world, django_capture_on_commit_callbacks):
    from grants import services as grants_services
    from grants import workflow
    from members import services as members_services
    from members.models import OrganisationStatus
    from tests.factories import OrganisationFactory
    from tests.grants.conftest import complete

    w = english_world
    users = {role: User.objects.get(pk=w.users[role].pk) for role in ["asso_a", "staff", "operator_1", "admin"]}
    pending = OrganisationFactory(name="Amis du Sahel", acronym="ADS", status=OrganisationStatus.PENDING)
    members_user = User.objects.create_user(email="sahel@example.org", language="en")
    pending.memberships.create(user=members_user, role="admin")
    with django_capture_on_commit_callbacks(execute=True):
        complete(w.draft_a)
        workflow.fire(w.draft_a, "submit", by=users["asso_a"])
        grants_services.post_message(application=w.draft_a, by=users["asso_a"], body="Question.")
        grants_services.post_message(application=w.draft_a, by=users["staff"], body="Answer.")
        members_services.reject_organisation(organisation=pending, by=users["staff"], reason="Missing receipt.")
        members_services.validate_organisation(organisation=pending, by=users["staff"])
    Client().post(
        reverse("accounts:password_reset"), {"email": "a@example.org"}, headers={"cookie": "django_language=en"}
    )
    readers = set(User.objects.filter(language="en").values_list("email", flat=True))
    sent = {message.to[0] for message in mail.outbox}
    assert {"a@example.org", "staff@example.org", "sahel@example.org"} <= sent
    receipts = [a for m in mail.outbox for a in m.attachments if a[2] == "application/pdf"]
    assert receipts, "the submission e-mail carries the receipt"
    receipt_text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(receipts[0][1])).pages)
    assert "Submission receipt" in receipt_text and "€14,000.00" in receipt_text
    problems = _mail_problems(typed_data(), readers)
    assert not problems, f"{len(problems)} French words in English e-mails or PDFs:\n" + "\n".join(
        sorted(set(problems))[:80]
    )


def email_templates():
    """Every e-mail template of the portal (subjects and bodies)."""
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.BASE_DIR) / "templates"
    found = sorted(root.glob("*/email/*.txt")) + sorted(root.glob("registration/password_reset_*.txt"))
    return [str(path.relative_to(root)) for path in found]


def test_every_email_template_reads_in_english_in_each_of_its_branches(english_world):
    """Each template rendered in English for every value its branches test ("kind", "event"), with
    the world's objects: the text the portal writes around them must be English."""
    from django.template.loader import get_template, render_to_string
    from django.utils import translation

    w = english_world
    base = {
        "application": w.awarded_a,
        "call": w.call,
        "organisation": w.org_a,
        "user": w.users["asso_a"],
        "by": w.users["staff"],
        "report": getattr(w, "report_a", None),
        "registration": getattr(w, "registration_a", None),
        "statement": getattr(w, "statement_a", None),
        "event": getattr(w, "event", None),
        "reason": "Missing receipt.",
        "url": "https://portal.example.org/",
        "site_url": "https://portal.example.org",
        "protocol": "https",
        "domain": "portal.example.org",
        "uid": "MQ",
        "token": "set-password",
        "email": "a@example.org",
        "days": 14,
    }
    branches = {
        "kind": ["confirmed", "waiting", "promoted", "reminder"],
        "event": ["sent", "submitted", "approved", "changes_requested", "before_14", "overdue"],
    }
    data, problems, rendered = typed_data(), [], 0
    for name in email_templates():
        source = get_template(name).template.source
        tested = [key for key in branches if f"{key} ==" in source]
        variants = [{key: value} for key in tested for value in branches[key]] or [{}]
        for variant in variants:
            with translation.override("en"):
                text = render_to_string(name, {**base, **variant})
            rendered += 1
            problems += [f"{name} {variant}: «{word}» in “{around}”" for word, around in french_words(text, data)]
    assert rendered >= 25
    assert not problems, f"{len(problems)} French words in English e-mails:\n" + "\n".join(sorted(set(problems))[:80])
