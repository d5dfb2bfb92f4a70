"""Which countries a call accepts: its own list, else the default country list (the OECD DAC list of ODA recipients).

The DAC list is data: `grants/data/dac_recipients.json` (year, source, ISO codes), loaded into
`grants.CountryList` by `load_country_list` (command `load_dac_list`). Until a list is loaded, the
shipped file is read as the default, so a fresh database, the tests and `make run` apply it too.
`call_countries` is the one answer the eligibility rule, the call page and the project step read.
"""

import functools
import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _
from django_countries import countries

from forim_portal.errors import DomainError
from members.countries import country_choices, country_name

from .models import CountryList

DAC_FILE = Path(__file__).parent / "data" / "dac_recipients.json"
LIST_KEYS = ("code", "name", "year", "source", "codes")
# Codes on the DAC list that ISO 3166-1 does not assign (so django-countries has no name for them)
EXTRA_NAMES = {"XK": "Kosovo"}


def read_list_file(path=DAC_FILE):
    """The list a data file describes, checked: every key present, codes upper-case, unique and sorted."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise DomainError(
            _("Fichier de liste de pays illisible : %(error)s") % {"error": error}, code="bad_country_file"
        ) from error
    missing = [key for key in LIST_KEYS if not data.get(key)]
    if missing:
        raise DomainError(
            _("Fichier de liste de pays incomplet : %(keys)s.") % {"keys": ", ".join(missing)}, code="bad_country_file"
        )
    codes = sorted({str(code).strip().upper() for code in data["codes"]})
    if any(len(code) != 2 or not code.isalpha() for code in codes):
        raise DomainError(
            _("Le fichier contient un code pays invalide (deux lettres attendues)."), code="bad_country_file"
        )
    return {**data, "codes": codes, "default": data.get("default", True)}


def load_country_list(*, path=DAC_FILE):
    """Create or update the list of the file (by its code); a default list takes the place of the previous one.

    Idempotent: loading the same file twice changes nothing. Returns (list, created).
    """
    data = read_list_file(path)
    values = {key: data[key] for key in ("name", "year", "source", "codes")}
    with transaction.atomic():
        country_list, created = CountryList.objects.update_or_create(code=data["code"], defaults=values)
        if data["default"] and not country_list.is_default:
            CountryList.objects.filter(is_default=True).exclude(pk=country_list.pk).update(is_default=False)
            country_list.is_default = True
            country_list.save(update_fields=["is_default"])
    return country_list, created


@functools.cache
def _shipped_list():
    """The file shipped with the code, read once per process (it changes only with a new release)."""
    return read_list_file()


def default_list():
    """The list of a call without its own: the loaded default, else the shipped file (an unsaved row)."""
    loaded = CountryList.objects.filter(is_default=True).first()
    if loaded is not None:
        return loaded
    data = _shipped_list()
    return CountryList(
        code=data["code"],
        name=data["name"],
        year=data["year"],
        source=data["source"],
        codes=list(data["codes"]),  # a copy: the file's reading is shared by the process
        is_default=True,
    )


@dataclass(frozen=True)
class CallCountries:
    """What a call accepts: `codes` (its list minus its exclusions), where the list comes from, what is excluded."""

    codes: frozenset
    country_list: CountryList | None  # None: the call's own list
    listed: int
    excluded: tuple

    def label(self):
        if self.country_list is None:
            return _("liste propre à l'appel")
        return _("%(name)s, liste %(year)s") % {"name": self.country_list.name, "year": self.country_list.year}

    def names(self):
        """The eligible countries' names, sorted as a French reader expects."""
        return [name for code, name in country_choices() if code in self.codes] + [
            EXTRA_NAMES.get(code, code) for code in sorted(self.codes) if code not in countries
        ]

    def excluded_names(self):
        return [country_name(code) for code in self.excluded]


def _codes(values):
    return {str(getattr(value, "code", value)).upper() for value in values or [] if value}


def call_countries(call):
    excluded = _codes(call.excluded_countries)
    own = _codes(call.eligible_countries)
    if own:
        listed, source = own, None
    else:
        source = call.country_list if call.country_list_id else default_list()
        listed = set(source.codes)
    return CallCountries(
        codes=frozenset(listed - excluded), country_list=source, listed=len(listed), excluded=tuple(sorted(excluded))
    )
