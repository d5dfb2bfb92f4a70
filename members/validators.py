"""Identifiers of French associations: RNA (`W` + 9 digits) and SIRET (14 digits, Luhn key)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

RNA_PATTERN = re.compile(r"^W\d{9}$")


def normalise_rna(value):
    """Upper-case, without spaces: what people type ("w 751 000 201") becomes W751000201."""
    return re.sub(r"\s+", "", value or "").upper()


def normalise_siret(value):
    return re.sub(r"[\s.]+", "", value or "")


def luhn_ok(digits):
    total = 0
    for index, char in enumerate(reversed(digits)):
        number = int(char)
        if index % 2:
            number *= 2
            if number > 9:
                number -= 9
        total += number
    return total % 10 == 0


def validate_rna(value):
    if not RNA_PATTERN.match(value or ""):
        raise ValidationError(
            _("Numéro RNA invalide (« %(value)s ») : il commence par W suivi de 9 chiffres, par exemple W751000201.")
            % {"value": value},
            code="bad_rna",
        )


def validate_siret(value):
    if not re.fullmatch(r"\d{14}", value or ""):
        raise ValidationError(
            _("SIRET invalide (« %(value)s ») : il compte 14 chiffres.") % {"value": value}, code="bad_siret"
        )
    if not luhn_ok(value):
        raise ValidationError(
            _("SIRET invalide (« %(value)s ») : la clé de contrôle ne correspond pas. Vérifiez les chiffres.")
            % {"value": value},
            code="bad_siret_key",
        )
