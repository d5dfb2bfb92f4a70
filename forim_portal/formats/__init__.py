"""How the portal writes amounts and dates for people, one way per language.

- Amounts: `format_amount(value, language=None)`: French "15 000,00 €" (narrow no-break space
  between thousands, no-break space before the sign), English "€15,000.00". Every page, PDF,
  e-mail and export read by a person goes through it (template filter `euros`, a builtin).
  Half-up to the shown decimals (cents unless said).
- Dates: Django's localized formats, with this package as FORMAT_MODULE_PATH (`fr/formats.py`,
  `en/formats.py`): templates write `date:"DATE_FORMAT"` / `date:"DATETIME_FORMAT"`, never a
  pattern with French words in it ("j F Y à H:i" printed "31 January 2027 à 12:00" in English).
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.utils import translation

NARROW_NBSP = "\u202f"
NBSP = "\u00a0"


def _language(language):
    code = language or translation.get_language() or settings.LANGUAGE_CODE
    return "en" if code.lower().startswith("en") else "fr"


def format_amount(value, language=None, *, decimals=2, currency="EUR"):
    """An amount as the reader's language writes it; "" for None or "".

    French: 15 000,00 € · English: €15,000.00. Rounded half-up to `decimals` (2: the cent).
    Another currency is written with its code: "1 000 000,00 XOF" / "XOF 1,000,000.00".
    Text that is not a number is returned as it is.
    """
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    sign = "-" if amount < 0 else ""
    digits = f"{abs(amount):,.{decimals}f}"
    unit = "€" if currency == "EUR" else currency
    if _language(language) == "en":
        return f"{sign}{unit}{digits}" if unit == "€" else f"{sign}{unit}{NBSP}{digits}"
    digits = digits.replace(",", NARROW_NBSP).replace(".", ",")
    return f"{sign}{digits}{NBSP}{unit}"


def format_number(value, language=None):
    """A plain figure without trailing zeros (a percentage, a rate): "33,33" / "33.33", "70" / "70"."""
    if value is None or value == "":
        return ""
    try:
        text = f"{Decimal(str(value)).normalize():f}"
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    return text if _language(language) == "en" else text.replace(".", ",")
