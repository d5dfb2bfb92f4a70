"""Shared pieces of the "junk in, French 4xx out" walks over the API and the pages."""

import json
import re

from django.db import transaction

# A refusal is French when it holds an accent or one of these words (DRF and Django speak French here).
FRENCH = re.compile(
    r"[éèêàùçôîâ]|\b(le|la|les|des|du|une|est|doit|champ|valide|invalide|requis|saisissez|vous|pas|nombre|introuvable)\b",
    re.IGNORECASE,
)

NOT_A_NUMBER = ["abc", "NaN", "Infinity", "1e999", "12,5,3", []]
OUT_OF_RANGE = [10**30, -(10**30), "-99999999999999999999.99"]
NOT_A_DATE = ["2026-02-31", "abc", 20260101, "31/12/2026 25:00"]
NOT_TEXT = [["abc"], {"a": 1}, "abc\x00def"]
NOT_A_BOOLEAN = ["peut-être", [], {"a": 1}]
NOT_A_LIST = ["70,30", 12, {"a": 1}, [["abc"]]]
NOT_AN_ID = [999999999, "abc", -1, 10**30, [1]]


def junk_for(schema):
    """Values a field of this OpenAPI schema must refuse."""
    kind, fmt = schema.get("type"), schema.get("format", "")
    if "enum" in schema:
        return ["zzz-inconnu", [], 12]
    if kind in ("integer", "number") or fmt == "decimal":
        return NOT_A_NUMBER + (NOT_AN_ID if kind == "integer" else OUT_OF_RANGE)
    if fmt in ("date", "date-time"):
        return NOT_A_DATE
    if kind == "boolean":
        return NOT_A_BOOLEAN
    if kind == "array":
        return NOT_A_LIST
    if kind == "object":
        return ["abc", [1]]
    junk = list(NOT_TEXT)
    if schema.get("maxLength"):
        junk.append("x" * (schema["maxLength"] + 1))
    return junk


def rolled_back(send, *args, **kwargs):
    """Send one request and roll back what it wrote: each probe starts from the same data."""
    with transaction.atomic():
        response = send(*args, **kwargs)
        transaction.set_rollback(True)
    return response


def is_french(text):
    return bool(FRENCH.search(text))


def describe(value):
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) < 60 else text[:57] + "…"
