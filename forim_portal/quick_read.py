"""Serializers that read their rows without DRF's per-field detour (issue 15: the API lists).

DRF reads each field of each row through `Field.get_attribute`: a generic walk that asks, at every
step, whether the object is a Mapping (an ABC check) and whether the value is a callable to call.
Over a page of 50 dossiers with their budget lines that is some 3,000 walks, about 40 % of the
serialization. `QuickReadMixin` reads a plain attribute path with `getattr` and hands anything
else (a callable, a missing attribute, a missing related row, a field with its own
`get_attribute`) to DRF's own code, so the output is the same, field for field.

`PageFiguresMixin` is for a viewset whose rows carry figures (counts, sums): they are computed for the rows of
the page (and the one row of a detail) only, never annotated over every row before the page is cut.
"""

from django.core.exceptions import ObjectDoesNotExist
from rest_framework import serializers
from rest_framework.fields import Field, SkipField
from rest_framework.relations import PKOnlyObject
from rest_framework.response import Response


class QuickReadMixin:
    """For a `Serializer`: the same `to_representation`, with plain attribute paths read directly."""

    def _read_plan(self):
        """[(field, its attribute path or None when DRF must read it)], once per serializer instance
        (a list's child serializer is one instance for every row)."""
        plan = getattr(self, "_quick_read_plan", None)
        if plan is None:
            plan = [
                (field, tuple(field.source_attrs) if type(field).get_attribute is Field.get_attribute else None)
                for field in self._readable_fields
            ]
            self._quick_read_plan = plan
        return plan

    def to_representation(self, instance):
        ret = {}
        for field, path in self._read_plan():
            try:
                attribute = _read(instance, path) if path is not None else field.get_attribute(instance)
            except _AskDrf:
                try:
                    attribute = field.get_attribute(instance)
                except SkipField:
                    continue
            except SkipField:
                continue
            check_for_none = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
            ret[field.field_name] = None if check_for_none is None else field.to_representation(attribute)
        return ret


class _AskDrf(Exception):
    """This path is not a plain attribute read: DRF's `get_attribute` answers (its defaults, None, skip, error)."""


def _read(instance, path):
    value = instance
    try:
        for name in path:
            value = getattr(value, name)
            if callable(value):
                raise _AskDrf
    except (AttributeError, KeyError, ObjectDoesNotExist) as exc:
        raise _AskDrf from exc
    return value


class ChoiceLabelField(serializers.CharField):
    """The label of a choice, as `get_<field>_display()` gives it (the value itself when unknown), from a dict
    made once. Django's `get_<field>_display` rebuilds that dict on every call, translating every label: for a
    dossier's status, some 16 translations a row."""

    def __init__(self, *, choices, **kwargs):
        self.labels = dict(choices)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return str(self.labels.get(value, value))


class PageFiguresMixin:
    """For a viewset: `page_figures(rows) -> rows` (a selector) completes the page's rows and a detail's row."""

    page_figures = None

    def paginate_queryset(self, queryset):
        rows = super().paginate_queryset(queryset)
        return None if rows is None else type(self).page_figures(rows)

    def retrieve(self, request, *args, **kwargs):
        [row] = type(self).page_figures([self.get_object()])
        return Response(self.get_serializer(row).data)
