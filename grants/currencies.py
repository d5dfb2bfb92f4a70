"""Budgets typed in the project's currency: which currencies a call offers, at which rate, and how a
dossier's lines become euros.

- A dossier has one budget currency (`Application.budget_currency`, EUR by default); its lines are
  typed in it and converted to euros by `forim_portal.money.to_euros` (÷ units per euro, half-up
  to the cent). `BudgetLine.amount` stays in euros: every rule of the call reads it.
- The rate: a fixed parity (`forim_portal.money.FIXED_PARITIES`: XOF, XAF, KMF, CVE), offered on
  every call, or a rate FORIM staff set on the call with its date (`CallCurrencyRate`).
- The dossier keeps the rate it used (`budget_units_per_euro`, `budget_rate_date`); every save of
  its budget converts every line again at the call's rate of that moment.
"""

import datetime
from decimal import Decimal
from typing import NamedTuple

from django.db import transaction
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from access.permissions import require_staff
from forim_portal.errors import DomainError
from forim_portal.formats import NARROW_NBSP, NBSP
from forim_portal.money import FIXED_PARITIES, parse_rate

from .models import CallCurrencyRate

EURO = "EUR"

# ISO 4217 codes of the currencies of the countries where FORIM's associations run projects
# (the OECD DAC list of ODA recipients), with their French names.
CURRENCIES = {
    "EUR": _lazy("euro"),
    "XOF": _lazy("franc CFA d'Afrique de l'Ouest"),
    "XAF": _lazy("franc CFA d'Afrique centrale"),
    "KMF": _lazy("franc comorien"),
    "CVE": _lazy("escudo cap-verdien"),
    "MAD": _lazy("dirham marocain"),
    "DZD": _lazy("dinar algérien"),
    "TND": _lazy("dinar tunisien"),
    "EGP": _lazy("livre égyptienne"),
    "MRU": _lazy("ouguiya mauritanien"),
    "GNF": _lazy("franc guinéen"),
    "GMD": _lazy("dalasi gambien"),
    "SLE": _lazy("leone sierra-léonais"),
    "LRD": _lazy("dollar libérien"),
    "GHS": _lazy("cedi ghanéen"),
    "NGN": _lazy("naira nigérian"),
    "CDF": _lazy("franc congolais"),
    "BIF": _lazy("franc burundais"),
    "RWF": _lazy("franc rwandais"),
    "DJF": _lazy("franc djiboutien"),
    "MGA": _lazy("ariary malgache"),
    "MUR": _lazy("roupie mauricienne"),
    "SCR": _lazy("roupie seychelloise"),
    "ETB": _lazy("birr éthiopien"),
    "KES": _lazy("shilling kényan"),
    "UGX": _lazy("shilling ougandais"),
    "TZS": _lazy("shilling tanzanien"),
    "SOS": _lazy("shilling somalien"),
    "SDG": _lazy("livre soudanaise"),
    "AOA": _lazy("kwanza angolais"),
    "MZN": _lazy("metical mozambicain"),
    "ZAR": _lazy("rand sud-africain"),
    "STN": _lazy("dobra santoméen"),
    "HTG": _lazy("gourde haïtienne"),
    "DOP": _lazy("peso dominicain"),
    "COP": _lazy("peso colombien"),
    "BRL": _lazy("réal brésilien"),
    "PEN": _lazy("sol péruvien"),
    "BOB": _lazy("boliviano"),
    "LBP": _lazy("livre libanaise"),
    "JOD": _lazy("dinar jordanien"),
    "TRY": _lazy("livre turque"),
    "ARS": _lazy("peso argentin"),
    "MXN": _lazy("peso mexicain"),
    "INR": _lazy("roupie indienne"),
    "LKR": _lazy("roupie srilankaise"),
    "PKR": _lazy("roupie pakistanaise"),
    "BDT": _lazy("taka bangladais"),
    "AFN": _lazy("afghani"),
    "VND": _lazy("dông vietnamien"),
    "KHR": _lazy("riel cambodgien"),
    "LAK": _lazy("kip laotien"),
    "USD": _lazy("dollar américain"),
}
ISO_CODES = sorted(CURRENCIES)


def currency_label(code):
    """ "dirham marocain (MAD)"; an unknown code as it is."""
    name = CURRENCIES.get(code)
    return f"{name} ({code})" if name else code


def currency_choices(codes=None):
    return [(code, currency_label(code)) for code in (codes if codes is not None else ISO_CODES)]


class Rate(NamedTuple):
    currency: str
    units_per_euro: Decimal
    rate_date: datetime.date | None
    fixed: bool


def call_rates(call):
    """Every currency a dossier of this call may use, with its rate: the fixed parities, then the call's own rates."""
    rates = {code: Rate(code, units, None, True) for code, units in FIXED_PARITIES.items()}
    if call is not None and call.pk:
        for row in call.currency_rates.all():
            rates.setdefault(row.currency, Rate(row.currency, row.units_per_euro, row.rate_date, False))
    return rates


def fixed_parities():
    """(label, "655,957") of the currencies tied to the euro, for the pages that explain rates."""
    return [(currency_label(code), format_units(units)) for code, units in FIXED_PARITIES.items()]


def offered_currencies(call):
    """(code, label) for the dossier's "Devise du budget" choice: the euro first, then the call's currencies and their rates."""
    rates = [
        (
            rate.currency,
            _("%(currency)s — %(rate)s pour 1 €")
            % {"currency": currency_label(rate.currency), "rate": format_units(rate.units_per_euro)},
        )
        for rate in call_rates(call).values()
    ]
    return [(EURO, currency_label(EURO)), *rates]


def rate_for(call, currency):
    """The rate this call fixes for `currency` (None for the euro), or a French DomainError (400)."""
    if currency == EURO:
        return None
    if currency not in CURRENCIES:
        raise DomainError(
            _("Devise inconnue : « %(code)s ». Choisissez une devise de la liste (code ISO 4217, par ex. XOF).")
            % {"code": currency},
            code="unknown_currency",
            field="budget_currency",
        )
    rate = call_rates(call).get(currency)
    if rate is None:
        raise DomainError(
            _(
                "Aucun taux de change n'est fixé pour la devise %(currency)s sur cet appel : choisissez une autre devise, "
                "ou demandez au FORIM de fixer ce taux. Rien n'a été enregistré."
            )
            % {"currency": currency_label(currency)},
            code="missing_rate",
            field="budget_currency",
        )
    return rate


def format_units(value):
    """A rate or a count as French writes it: 655,957 · 1 000 000 · 10,85."""
    text = f"{Decimal(value).normalize():,f}"
    if translation.get_language() and translation.get_language().startswith("en"):
        return text
    return text.replace(",", NARROW_NBSP).replace(".", ",")


def format_local(amount, currency):
    """An amount in its currency: "1 000 000 XOF", "2 500,50 MAD" (cents shown when there are some)."""
    if amount is None or amount == "":
        return ""
    amount = Decimal(amount)
    shown = amount.quantize(Decimal(1)) if amount == amount.to_integral_value() else amount.quantize(Decimal("0.01"))
    return f"{format_units(shown) if shown else '0'}{NBSP}{currency}"


def conversion_note(currency, units_per_euro, rate_date=None):
    """The sentence shown beside converted amounts, saying the rate and the rounding."""
    if currency == EURO or units_per_euro is None:
        return ""
    values = {"rate": format_units(units_per_euro), "currency": currency}
    if currency in FIXED_PARITIES and Decimal(units_per_euro) == FIXED_PARITIES[currency]:
        return _("converti au taux fixe de %(rate)s %(currency)s pour 1 €, arrondi au centime") % values
    values["date"] = formats.date_format(rate_date, "DATE_FORMAT") if rate_date else "—"
    return _("converti au taux de %(rate)s %(currency)s pour 1 € (taux du %(date)s), arrondi au centime") % values


def application_note(application):
    return conversion_note(application.budget_currency, application.budget_units_per_euro, application.budget_rate_date)


def budget_sentence(application):
    """What the form, the pages and the receipt say under a converted budget ("" for a budget in euros)."""
    note = application_note(application)
    if not note:
        return ""
    return _("Chaque montant en euros est %(note)s ; le total en euros est la somme des lignes.") % {"note": note}


def local_total(application, lines=None):
    """The total of the lines in the dossier's currency (None when the budget is in euros)."""
    if application.budget_currency == EURO:
        return None
    lines = application.budget_lines.all() if lines is None else lines
    return sum((line.local_amount or Decimal(0) for line in lines), Decimal("0.00"))


# Staff: the rates of a call ----------------------------------------------------------------------


def check_rate(rate):
    """One rate of a call, on the unsaved row: a known currency, not a fixed parity, a positive rate, a date."""
    code = (rate.currency or "").strip().upper()
    if code == EURO or code not in CURRENCIES:
        raise DomainError(
            _("Devise inconnue : « %(code)s ». Choisissez une devise de la liste (code ISO 4217).")
            % {"code": rate.currency},
            code="unknown_currency",
            field="currency",
        )
    if code in FIXED_PARITIES:
        raise DomainError(
            _(
                "%(currency)s a une parité fixe avec l'euro (%(rate)s pour 1 €) : elle est proposée sur chaque appel, sans taux à saisir."
            )
            % {"currency": currency_label(code), "rate": format_units(FIXED_PARITIES[code])},
            code="fixed_parity",
            field="currency",
        )
    rate.currency = code
    rate.units_per_euro = parse_rate(rate.units_per_euro, field="units_per_euro")
    if not isinstance(rate.rate_date, datetime.date):
        raise DomainError(
            _("Indiquez la date du taux (celle de sa publication)."), code="rate_date_required", field="rate_date"
        )
    return rate


def set_call_rates(*, call, by, rates):
    """Replace the rates of a call (staff only) by `rates`, dicts of currency, units_per_euro, rate_date.

    Each checked by `check_rate`; a currency given twice is refused. Dossiers already saved keep
    their rate until their budget is saved again; submitted ones keep it for good.
    """
    require_staff(by)
    checked = [check_rate(CallCurrencyRate(call=call, **row)) for row in rates]
    codes = [rate.currency for rate in checked]
    twice = sorted({code for code in codes if codes.count(code) > 1})
    if twice:
        raise DomainError(
            _("Un seul taux par devise : %(codes)s figure plusieurs fois.") % {"codes": ", ".join(twice)},
            code="duplicate_rate",
            field="currency",
        )
    with transaction.atomic():
        call.currency_rates.exclude(currency__in=codes).delete()
        for rate in checked:
            CallCurrencyRate.objects.update_or_create(
                call=call,
                currency=rate.currency,
                defaults={"units_per_euro": rate.units_per_euro, "rate_date": rate.rate_date},
            )
    return list(call.currency_rates.all())
