"""Country names in French.

django-countries ships French names, but its catalog is only read by Django when the app is
in INSTALLED_APPS; until it is, read that catalog here so the registry never shows English names.
"""

import gettext
import unicodedata
from functools import cache
from pathlib import Path

import django_countries
from django.utils.translation import get_language
from django_countries import countries

_FRENCH = gettext.translation(
    "django", localedir=Path(django_countries.__file__).parent / "locale", languages=["fr"], fallback=True
)


def _plain(text):
    text = text.replace("’", "'")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower().strip()


def country_name(code):
    name = str(countries.name(code)) or str(code)
    if (get_language() or "fr").startswith("fr"):
        return _FRENCH.gettext(name)
    return name


def country_names(codes):
    return [country_name(code) for code in codes or []]


def country_choices():
    """(code, name) pairs sorted by name as a French reader expects (accents ignored)."""
    return list(_sorted_choices(get_language() or "fr"))


def names_by_code():
    """{code: name} in the active language, for the lists that name a country on every row (made once per language)."""
    return _names_by_code(get_language() or "fr")


@cache
def _names_by_code(language):
    return dict(_sorted_choices(language))


@cache
def _sorted_choices(language):
    """The sorted pairs of one language, made once per process (a fixed list: some 5 ms to make)."""
    pairs = [(country.code, country_name(country.code)) for country in countries]
    return tuple(sorted(pairs, key=lambda pair: _plain(pair[1])))


@cache
def _codes_by_name():
    index = {}
    for country in countries:
        index[_plain(str(country.name))] = country.code
        index[_plain(_FRENCH.gettext(str(country.name)))] = country.code
    return index


def country_code(text):
    """A code from what a person typed: "MA", "Maroc", "Sénégal", "Morocco". Empty if unknown."""
    text = (text or "").strip()
    if text.upper() in countries:
        return text.upper()
    return _codes_by_name().get(_plain(text), "")
