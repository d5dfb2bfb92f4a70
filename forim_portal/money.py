"""Money, one way for the whole portal: read an amount, round a computed share, split an award.

Every amount the portal stores is euros with at most two decimals (cents).

- What a person types is read **exactly** (`parse_amount`): "1 000,50", "1000.50", "15000";
  sub-cent ("100.005"), NaN, infinity, exponents ("1e3") and absurd sizes are refused with a
  French `DomainError`, never rounded into something else.
- What the portal **computes** (a percentage of an amount, quantity × unit cost, a mean mark)
  is rounded by `half_up_cents`, half-up to the cent, and by nothing else.
- A limit ("at most 70 % of the total cost") is compared exactly (`exceeds_share`), with no
  rounding before comparing; `share_ceiling` shows that limit as the largest amount in cents
  that respects it.
- A payment schedule is a list of positive shares summing to exactly 100 (`parse_split`);
  `split_amount` turns an award into tranches of at least €0.01 that add up to it to the cent.
- An amount in another currency becomes euros by `to_euros` (divided by the units per euro,
  half-up to the cent); rates are read exactly by `parse_rate`; `FIXED_PARITIES` are the
  currencies tied to the euro by treaty.
"""

import re
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from forim_portal.errors import DomainError
from forim_portal.formats import format_amount

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
MAX_AMOUNT = Decimal("9999999999.99")  # what a DecimalField(max_digits=12, decimal_places=2) holds
MAX_SHARES = 12  # tranches of one award: more is a typing mistake, not a schedule
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_NUMBER = re.compile(r"[+-]?\d{1,15}(\.\d{1,10})?")


def _refuse(message, *, code, field):
    raise DomainError(message, code=code, field=field)


def _as_text(value):
    text = _SPACES.sub("", str(value)).removesuffix("€").removesuffix("EUR")
    if "," in text and "." in text:
        return None  # "1.000,50" or "1,000.50": which one is the decimal point is a guess we do not make
    return text.replace(",", ".")


def _to_decimal(value):
    """The exact Decimal written in `value`, or None when it is not a plain number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal | int):
        number = Decimal(value)
    else:
        text = _as_text(value) if isinstance(value, str | float) else None
        if not text or len(text) > 30 or not _NUMBER.fullmatch(text):
            return None
        number = Decimal(text)
    return number if number.is_finite() else None


def parse_amount(value, *, field="amount", allow_zero=True, allow_negative=False):
    """An amount in euros, read exactly: a Decimal with two decimals, or a French `DomainError` at `field`.

    Accepts Decimal, int and text such as "1 000,50", "1000.50", "1 000,5", "15000 €" (spaces,
    no-break and narrow no-break spaces are thousands separators). Refuses empty input, text
    that is not a plain number (exponents, NaN, infinity, "1.000,50"), sub-cent amounts
    (never rounded), amounts beyond 9 999 999 999,99 €, zero unless `allow_zero`, negatives
    unless `allow_negative`.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        _refuse(_("Indiquez un montant en euros."), code="amount_required", field=field)
    number = _to_decimal(value)
    if number is None:
        _refuse(
            _("Montant invalide : indiquez un nombre en euros, par ex. 1 500,00 ou 1500.00."),
            code="bad_amount",
            field=field,
        )
    if abs(number) > MAX_AMOUNT:
        _refuse(_("Montant hors limites : vérifiez le nombre de chiffres."), code="bad_amount", field=field)
    if number != number.quantize(CENT):
        _refuse(
            _("Montant invalide : deux chiffres après la virgule au maximum (les centimes)."),
            code="sub_cent",
            field=field,
        )
    if number <= 0 and not allow_zero and not (number < 0 and allow_negative):
        _refuse(_("Le montant doit être positif (au moins 0,01 €)."), code="not_positive", field=field)
    if number < 0 and not allow_negative:
        _refuse(_("Le montant ne peut pas être négatif."), code="negative", field=field)
    return number.quantize(CENT)


def parse_percent(value, *, field, label=None):
    """A percentage between 0 and 100 with at most two decimals, read exactly (same input as `parse_amount`)."""
    number = None if value is None or value == "" else _to_decimal(value)
    if number is None or not 0 <= number <= HUNDRED or number != number.quantize(CENT):
        _refuse(
            _("%(label)s doit être compris entre 0 et 100 %% (deux décimales au plus).")
            % {"label": label or _("Le taux")},
            code="bad_percent",
            field=field,
        )
    return number.quantize(CENT)


def half_up_cents(value):
    """THE rounding of the portal: a computed share, half-up to the cent (0.005 → 0.01, never banker's).

    Used wherever an amount is computed rather than typed: a percentage of an award (tranches,
    partner top-ups), quantity × unit cost of a budget line, a mean mark. Typed amounts are never
    rounded: `parse_amount` refuses sub-cent input instead.
    """
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    return number.quantize(CENT, rounding=ROUND_HALF_UP)


def percent_of(amount, percent):
    """`percent` % of `amount`, half-up to the cent (a computed share)."""
    return half_up_cents(Decimal(amount) * Decimal(percent) / HUNDRED)


def exceeds_share(part, total, percent):
    """Whether `part` is more than `percent` % of `total`, compared exactly (no rounding first).

    70.04 of 100.05 is 70.005 %: it exceeds 70 %.
    """
    return Decimal(part) * HUNDRED > Decimal(total) * Decimal(percent)


def share_ceiling(total, percent):
    """The largest amount in cents that is not more than `percent` % of `total` (what `exceeds_share` allows)."""
    return max(Decimal(0), Decimal(total) * Decimal(percent) / HUNDRED).quantize(CENT, rounding=ROUND_DOWN)


def _share(value, field):
    if isinstance(value, bool) or not isinstance(value, Decimal | int | float):
        _refuse(
            _("Chaque part de la répartition des versements est un nombre (un pourcentage), par ex. [70, 30]."),
            code="bad_split",
            field=field,
        )
    try:
        share = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:  # pragma: no cover - Decimal(float text) of a finite float never fails
        share = Decimal("NaN")
    if not share.is_finite() or share <= 0 or share > HUNDRED:
        _refuse(
            _("Chaque part de la répartition des versements doit être comprise entre 0 et 100 % (exclu 0)."),
            code="bad_split",
            field=field,
        )
    if share != share.quantize(CENT):
        _refuse(_("Une part de la répartition des versements a au plus deux décimales."), code="bad_split", field=field)
    return share


def parse_split(value, *, field="tranche_split"):
    """A payment schedule: a list of positive shares (%) summing to exactly 100, as Decimals.

    Refuses anything else with a French `DomainError`: text such as "70,30" (use a list),
    non-numbers, zero or negative shares, shares above 100, sums other than 100, more than
    twelve tranches.
    """
    if not isinstance(value, list | tuple):
        _refuse(
            _("La répartition des versements est une liste de pourcentages, par ex. [70, 30]."),
            code="bad_split",
            field=field,
        )
    if not value:
        _refuse(_("Indiquez au moins un versement (100 % pour un versement unique)."), code="bad_split", field=field)
    if len(value) > MAX_SHARES:
        _refuse(_("Pas plus de %(max)s versements.") % {"max": MAX_SHARES}, code="bad_split", field=field)
    shares = [_share(item, field) for item in value]
    total = sum(shares, Decimal(0))
    if total != HUNDRED:
        _refuse(
            _("Les versements doivent faire 100 %% au total (ici %(sum)s %%).")
            % {"sum": f"{total.normalize():f}".replace(".", ",")},
            code="bad_split",
            field=field,
        )
    return shares


def parse_split_text(text, *, field="tranche_split"):
    """What a person types in a form: "70, 30" or "33,33 ; 33,33 ; 33,34" → `parse_split` of it.

    With a semicolon, parts are separated by semicolons and a comma is a decimal comma;
    without one, parts are separated by commas.
    """
    text = (text or "").strip()
    if not text:
        return []
    parts = text.split(";") if ";" in text else text.split(",")
    numbers = []
    for part in (p.strip() for p in parts):
        if not part:
            continue
        number = _to_decimal(part)
        if number is None:
            _refuse(
                _("Écrivez les pourcentages séparés par des virgules, par exemple : 70, 30."),
                code="bad_split",
                field=field,
            )
        numbers.append(number)
    return parse_split(numbers, field=field)


def split_for_storage(shares):
    """Shares as JSON numbers (an int when whole, else a float with at most two decimals)."""
    return [int(share) if share == share.to_integral_value() else float(share) for share in shares]


def split_amount(total, shares, *, field="amount"):
    """The tranches of `total` for these shares: each half-up to the cent, the last takes the remainder.

    Every tranche is at least €0.01 and they add up to `total` exactly; when the amount is too
    small for that many tranches, a French `DomainError` says so (never a zero or negative tranche).
    """
    total = parse_amount(total, field=field, allow_zero=False)
    shares = parse_split(list(shares))
    amounts = [percent_of(total, share) for share in shares[:-1]]
    amounts.append(total - sum(amounts, Decimal(0)))
    if any(amount < CENT for amount in amounts):
        _refuse(
            _("Le montant (%(total)s) est trop petit pour être versé en %(count)s tranches d'au moins 0,01 €.")
            % {"total": format_amount(total), "count": len(shares)},
            code="tranche_too_small",
            field=field,
        )
    return amounts


# Currencies tied to the euro at a fixed rate (units per euro), which no call may change.
FIXED_PARITIES = {
    "XOF": Decimal("655.957"),  # franc CFA of West Africa (UEMOA)
    "XAF": Decimal("655.957"),  # franc CFA of Central Africa (CEMAC)
    "KMF": Decimal("491.96775"),  # Comorian franc
    "CVE": Decimal("110.265"),  # Cape Verdean escudo
}
RATE_PLACES = Decimal("0.000001")  # a rate has at most six decimals (KMF has five)
MAX_RATE = Decimal("999999999.999999")  # what a DecimalField(max_digits=15, decimal_places=6) holds


def to_euros(local_amount, units_per_euro):
    """An amount in another currency converted to euros: `local_amount` ÷ `units_per_euro`, half-up to the cent.

    The one conversion of the portal (budget lines typed in the project's currency): 1 000 000 XOF
    at 655.957 XOF for €1 is 1 524.4902… → €1 524.49; 328 XOF → 0.50003… → €0.50. Each amount is
    converted on its own, so a total in euros is the sum of converted lines (each rounded), not the
    conversion of the local total.
    """
    rate = Decimal(units_per_euro)
    if not rate.is_finite() or rate <= 0:
        raise DomainError(_("Le taux de change doit être un nombre positif."), code="bad_rate", field="units_per_euro")
    return half_up_cents(Decimal(local_amount) / rate)


def parse_rate(value, *, field="units_per_euro"):
    """A rate typed by staff (units of the currency for €1, e.g. "10,85"): positive, at most six decimals, read exactly."""
    number = None if value is None or value == "" else _to_decimal(value)
    if number is None or number <= 0 or number > MAX_RATE or number != number.quantize(RATE_PLACES):
        _refuse(
            _("Taux invalide : indiquez combien d'unités de la devise valent 1 €, par ex. 10,85 (six décimales au plus)."),
            code="bad_rate",
            field=field,
        )
    return number
