"""One way to write an amount and a date per language, on every page.

French: 15 000,00 € (narrow no-break space between thousands, no-break space before the sign),
English: €15,000.00. Dates: "31 janvier 2027 à 12:00" / "31 January 2027, 12:00".
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.test import Client
from django.utils import formats, translation

from accounts.models import User
from forim_portal.formats import format_amount, format_number
from tests.conftest import login
from tests.security.world import build_world
from tests.test_english import pages_read, visible_text

# Anything written as an amount in euros: digits (grouped any way) with a euro sign before or after.
# A rate's unit ("unités pour 1 €", "per €1") is not an amount.
AMOUNT = re.compile(
    r"(?<!pour )(?<!per )(?:-?€[ \u00a0]?\d(?:[\d,.\u202f\u00a0 ]*\d)?|-?\d(?:[\d,.\u202f\u00a0 ]*\d)?[ \u00a0]?€)"
)
CANONICAL = {
    "fr": re.compile(r"-?\d{1,3}(?:\u202f\d{3})*(?:,\d{2})?\u00a0€"),
    "en": re.compile(r"-?€\d{1,3}(?:,\d{3})*(?:\.\d{2})?"),
}


@pytest.mark.parametrize(
    ("value", "language", "expected"),
    [
        (Decimal("15000"), "fr", "15\u202f000,00\u00a0€"),
        (Decimal("15000"), "en", "€15,000.00"),
        ("1234567.891", "fr", "1\u202f234\u202f567,89\u00a0€"),
        ("0.005", "en", "€0.01"),  # half-up to the cent
        (Decimal("-2500.5"), "fr", "-2\u202f500,50\u00a0€"),
        (Decimal("-2500.5"), "en", "-€2,500.50"),
        (12, "fr", "12,00\u00a0€"),
        (None, "fr", ""),
        ("", "en", ""),
        ("n/a", "en", "n/a"),
    ],
)
def test_format_amount(value, language, expected):
    assert format_amount(value, language) == expected


def test_format_amount_follows_the_active_language_and_other_currencies_keep_their_code():
    with translation.override("en"):
        assert format_amount(Decimal("9500")) == "€9,500.00"
        assert format_amount(Decimal("1000000"), currency="XOF") == "XOF\u00a01,000,000.00"
        assert format_number(Decimal("33.330")) == "33.33"
    with translation.override("fr"):
        assert format_amount(Decimal("9500")) == "9\u202f500,00\u00a0€"
        assert format_amount(Decimal("1000000"), currency="XOF") == "1\u202f000\u202f000,00\u00a0XOF"
        assert format_amount(Decimal("15499.5"), decimals=0) == "15\u202f500\u00a0€"
        assert format_number(Decimal("70.00")) == "70"
        assert format_number(Decimal("33.33")) == "33,33"


def test_the_euros_filter_is_builtin_and_the_app_libraries_use_the_same():
    template = "{{ a|euros }}|{{ a|euros:0 }}|{{ missing|euros }}"
    context = Context({"a": Decimal("2000.40")})
    with translation.override("en"):
        assert Template(template).render(context) == "€2,000.40|€2,000|—"
        assert Template("{% load grants_tags %}{{ a|euros }}").render(context) == "€2,000.40"
        assert Template("{% load awards %}{{ a|euros }}").render(context) == "€2,000.40"
    with translation.override("fr"):
        assert Template(template).render(context) == "2\u202f000,40\u00a0€|2\u202f000\u00a0€|—"


def test_dates_follow_the_language_with_no_french_word_in_english():
    moment = datetime.datetime(2027, 1, 31, 12, 0)
    with translation.override("en"):
        assert formats.date_format(moment, "DATETIME_FORMAT") == "31 January 2027, 12:00"
        assert formats.date_format(moment.date(), "DATE_FORMAT") == "31 January 2027"
    with translation.override("fr"):
        assert formats.date_format(moment, "DATETIME_FORMAT") == "31 janvier 2027 à 12:00"
        assert formats.date_format(moment.date(), "DATE_FORMAT") == "31 janvier 2027"


def test_the_grant_rules_write_amounts_in_the_readers_language():
    from grants.eligibility import euros
    from reviews.services import euros as review_euros

    with translation.override("en"):
        assert euros(Decimal("15000")) == review_euros(Decimal("15000")) == "€15,000.00"
    with translation.override("fr"):
        assert euros(Decimal("15000")) == review_euros(Decimal("15000")) == "15\u202f000,00\u00a0€"


def amounts_on_pages(world, language):
    """{amount as written: first page it was seen on} over every page staff, association A and the partner open."""
    clients = {}
    for role in ["asso_a", "staff", "partner"]:
        clients[role] = login(Client(raise_request_exception=False), User.objects.get(pk=world.users[role].pk))
        clients[role].cookies["django_language"] = language
    seen = {}
    for role, url, html in pages_read(world, clients):
        for amount in AMOUNT.findall(visible_text(html)):
            seen.setdefault(amount.strip(), f"{role} {url}")
    return seen


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_amount_on_the_pages_is_written_one_way(db, language):
    world = build_world()
    User.objects.update(language=language)
    seen = amounts_on_pages(world, language)
    assert len(seen) >= 10, f"too few amounts found to judge: {seen}"
    wrong = {amount: where for amount, where in seen.items() if not CANONICAL[language].fullmatch(amount)}
    assert not wrong, f"amounts not written the {language} way: {wrong}"
