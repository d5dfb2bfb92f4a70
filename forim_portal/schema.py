"""What the published OpenAPI schema says beyond what drf-spectacular infers, so it matches the API.

- Every operation declares the error answers `forim_portal.api.exception_handler` really
  gives: 400 (a dict of messages per field, or a domain refusal), 401, 403, 404, 409 for
  writes, 429 — with the JSON shape it returns (`declare_errors`, a postprocessing hook).
- A request body the API refuses unknown fields of (`StrictFieldsMixin` serializers, the top
  serializer of a `StrictInputMixin` view) says `additionalProperties: false`.
- A decimal field with `min_value` 0 or more does not advertise a minus sign.
- Amounts read by `forim_portal.money.parse_amount` (`forim_portal.api.AmountField`, and the
  `*AmountText` fields below that pass the text to a service) are declared as strings with the
  pattern of the plain amounts it accepts ("1500.00"; it also reads "1 500,00 €", which the
  schema leaves out).

The schema only describes: the services still validate everything (issue 13's rule).
"""

import re

from drf_spectacular.extensions import OpenApiSerializerExtension, OpenApiSerializerFieldExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .api import StrictFieldsMixin, StrictInputMixin

# Plain amounts in euros, at most two decimals, point or comma, up to 9 999 999 999,99.
AMOUNT_PATTERN = r"^(0|[1-9][0-9]{0,9})([.,][0-9]{1,2})?$"
POSITIVE_AMOUNT_PATTERN = r"^([1-9][0-9]{0,9}([.,][0-9]{1,2})?|0[.,]([1-9][0-9]?|0[1-9]))$"


def amount_schema(*, positive=False, nullable=False, blank=False):
    pattern = POSITIVE_AMOUNT_PATTERN if positive else AMOUNT_PATTERN
    schema = {
        "type": "string",
        "pattern": f"^$|{pattern}" if blank else pattern,
        "example": "1500.00",
        "description": "Montant en euros, deux décimales au plus (point ou virgule), par ex. 1500.00.",
    }
    if nullable:
        schema["nullable"] = True
    return schema


@extend_schema_field(amount_schema())
class AmountText(serializers.CharField):
    """An amount in euros as text, passed to a service that reads it with `parse_amount` (zero allowed)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 40)
        super().__init__(**kwargs)


@extend_schema_field(amount_schema(positive=True))
class PositiveAmountText(AmountText):
    """An amount the service requires to be at least 0.01 €."""


@extend_schema_field(amount_schema(positive=True, nullable=True, blank=True))
class OptionalPositiveAmountText(AmountText):
    """A positive amount that may be left out (null or empty) where the service does not need it."""

    def __init__(self, **kwargs):
        kwargs.update(required=False, allow_null=True, allow_blank=True)
        super().__init__(**kwargs)


ERROR = {
    "type": "object",
    "description": "Une erreur : message en français (`detail`), code stable (`code`) et champ en cause (`field`) quand il y en a.",
    "properties": {"detail": {"type": "string"}, "code": {"type": "string"}, "field": {"type": "string"}},
    "required": ["detail"],
    "additionalProperties": False,
}
VALIDATION_ERROR = {
    "type": "object",
    "description": (
        "Une saisie refusée : pour chaque champ en cause, la liste de ses messages (ou, pour une liste ou un "
        "objet imbriqué, leurs erreurs au même format) ; ou un refus métier `{detail, code, field}`."
    ),
    "minProperties": 1,
    "additionalProperties": {
        "anyOf": [
            {"type": "string"},
            {"type": "array", "items": {}},
            {"type": "object"},
        ]
    },
}
ERRORS = {
    "400": ("ValidationError", "Saisie ou paramètre refusé."),
    "401": ("Error", "Non authentifié, ou jeton inconnu ou révoqué."),
    "403": ("Error", "Action non permise."),
    "404": ("Error", "Introuvable, ou non visible par vous."),
    "409": ("Error", "Conflit : l'objet a changé entre-temps, ou l'action est déjà faite."),
    "415": ("Error", "Type de contenu non pris en charge : envoyez du JSON."),
    "429": ("Error", "Trop de requêtes : réessayez plus tard."),
}


def _error_codes(method, operation):
    codes = {"401", "403", "404", "429"}
    if method != "get" or (operation.get("parameters") and any(p["in"] == "query" for p in operation["parameters"])):
        codes.add("400")
    if method in ("post", "put", "patch", "delete"):
        codes.add("409")
    if "requestBody" in operation:
        codes.add("415")
    return codes


def declare_errors(result, generator, request, public):
    """Postprocessing hook: the error answers of every `/api/v1/` operation, in their real shape."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR)
    schemas.setdefault("ValidationError", VALIDATION_ERROR)
    for path, operations in result.get("paths", {}).items():
        if not path.startswith("/api/v1/"):
            continue
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for code in sorted(_error_codes(method, operation)):
                component, description = ERRORS[code]
                operation["responses"].setdefault(
                    code,
                    {
                        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}},
                        "description": description,
                    },
                )
    return result


def _is_strict(serializer, auto_schema):
    if isinstance(serializer, StrictFieldsMixin):
        return True
    if not isinstance(auto_schema.view, StrictInputMixin):
        return False
    top = auto_schema.get_request_serializer()
    return top is not None and type(top) is type(serializer)


class StrictRequestExtension(OpenApiSerializerExtension):
    """A request body whose unknown fields the API refuses says `additionalProperties: false`."""

    target_class = serializers.Serializer
    match_subclasses = True
    priority = -1  # any more specific extension wins

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        if direction == "request" and _is_strict(self.target, auto_schema):
            schema["additionalProperties"] = False
        if schema.get("description") == StrictFieldsMixin.__doc__:
            del schema["description"]  # the mixin's docstring says nothing about this serializer
        return schema


class NotOnlySpacesExtension(OpenApiSerializerFieldExtension):
    """Text that may not be blank is trimmed first, so it must hold something other than spaces."""

    target_class = serializers.CharField
    match_subclasses = True
    priority = -1

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        field = self.target
        if (
            direction == "request"
            and not field.allow_blank
            and field.trim_whitespace
            and not field.read_only
            and schema.get("type") == "string"
            and "pattern" not in schema
            and "enum" not in schema
        ):
            schema["pattern"] = r"\S"
        return schema


class AmountFieldExtension(OpenApiSerializerFieldExtension):
    """`forim_portal.api.AmountField` (parsed by `parse_amount` in the serializer): a plain amount, shown as "1500.00"."""

    target_class = "forim_portal.api.AmountField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        return amount_schema(nullable=self.target.allow_null)


class NonNegativeDecimalExtension(OpenApiSerializerFieldExtension):
    """A decimal with `min_value` ≥ 0 is written without a minus sign (DRF refuses one)."""

    target_class = serializers.DecimalField
    match_subclasses = True
    priority = -1

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        min_value = self.target.min_value
        if min_value is not None and min_value >= 0 and isinstance(schema.get("pattern"), str):
            schema["pattern"] = re.sub(r"^\^-\?", "^", schema["pattern"])
        return schema
