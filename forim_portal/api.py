"""Shared API pieces: strict input, bounded pagination, JSON errors for every 4xx.

Every app's viewsets get these through the REST_FRAMEWORK settings (pagination, filter
backends, exception handler). For writes, adopt `StrictInputMixin` on a viewset or
`StrictFieldsMixin` on a serializer: a field the API does not know is refused, never ignored.
"""

from functools import partial

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.http import Http404
from django.utils.translation import gettext as _
from django_filters import utils
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, serializers, status
from rest_framework.exceptions import ErrorDetail
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from forim_portal.errors import DomainError
from forim_portal.money import parse_amount
from forim_portal.paging import CountedPaginator

# Query parameters every list understands besides its filters.
COMMON_QUERY_PARAMS = {"page", "page_size", "format", api_settings.SEARCH_PARAM, api_settings.ORDERING_PARAM}


class Pagination(PageNumberPagination):
    """Page numbers; a page size above the maximum or not a number is refused, not silently capped.

    A view that knows its list's total without counting it (`known_count(request)` returning a number,
    or None to count) spares the database the scan of every row behind the list."""

    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset, request, view=None):
        known = getattr(view, "known_count", None)
        self.django_paginator_class = partial(CountedPaginator, count=known(request) if known else None)
        return super().paginate_queryset(queryset, request, view)

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise exceptions.ValidationError(
                {
                    self.page_size_query_param: [
                        _("La taille de page doit être un nombre entre 1 et %(max)s.") % {"max": self.max_page_size}
                    ]
                }
            )
        return size

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_page_size}
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
        return parameters


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter, plus: a query parameter no filter knows answers 400 instead of being ignored.

    A view may accept more parameters by listing them in `extra_query_params`. The FilterSet is
    built once per request (its choices may cost a query).
    """

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if getattr(view, "action", "list") == "list" and request.method == "GET":
            self.reject_unknown_params(request, filterset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid() and self.raise_exception:
            raise utils.translate_validation(filterset.errors)
        return filterset.qs

    @staticmethod
    def param_names(filterset):
        """The query parameters a FilterSet reads: a range filter `x` reads `x_min` and `x_max`."""
        names = set()
        for name, filter_ in filterset.filters.items():
            widget = filter_.field.widget
            suffixes = getattr(widget, "suffixes", None)
            names |= {widget.suffixed(name, suffix) for suffix in suffixes} if suffixes else {name}
        return names

    def reject_unknown_params(self, request, filterset, view):
        known = set(COMMON_QUERY_PARAMS) | set(getattr(view, "extra_query_params", ()))
        if filterset is not None:
            known |= self.param_names(filterset)
        unknown = sorted(set(request.query_params) - known)
        if unknown:
            raise exceptions.ValidationError(
                {name: [_("Paramètre de filtre inconnu. Paramètres acceptés : %(known)s.") % {
                    "known": ", ".join(sorted(known))}] for name in unknown}
            )


class StrictOrderingFilter(OrderingFilter):
    """`?ordering=` on a field that is not offered answers 400 instead of being ignored."""

    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param)
        if params:
            fields = [param.strip() for param in params.split(",") if param.strip()]
            valid = self.remove_invalid_fields(queryset, fields, view, request)
            if len(valid) != len(fields):
                raise exceptions.ValidationError(
                    {self.ordering_param: [_("Tri inconnu : %(fields)s.") % {
                        "fields": ", ".join(sorted(set(fields) - set(valid)))}]}
                )
        return super().get_ordering(request, queryset, view)


def unknown_fields(serializer, data):
    """Names in `data` that the serializer would not write (unknown or read-only)."""
    if not isinstance(data, dict):
        return []
    writable = {name for name, field in serializer.fields.items() if not field.read_only}
    return sorted(set(data) - writable)


class StrictFieldsMixin:
    """A serializer that refuses fields it does not write, instead of silently dropping them."""

    def to_internal_value(self, data):
        extra = unknown_fields(self, data)
        if extra:
            raise serializers.ValidationError({name: [_("Champ inconnu ou en lecture seule.")] for name in extra})
        return super().to_internal_value(data)


class StrictModelSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """The base for writable model serializers of the API."""


class StrictInputMixin:
    """For a viewset: the body of a write may only hold the serializer's writable fields."""

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        data = kwargs.get("data")
        if data is not None and not isinstance(serializer, serializers.ListSerializer):
            if not isinstance(data, dict):
                raise exceptions.ValidationError({"detail": [_("Le corps de la requête doit être un objet JSON.")]})
            extra = unknown_fields(serializer, data)
            if extra:
                raise exceptions.ValidationError({name: [_("Champ inconnu ou en lecture seule.")] for name in extra})
        return serializer


def exception_handler(exc, context):
    """Turn domain, parsing and database errors into JSON 4xx answers instead of 500s."""
    if isinstance(exc, DomainError):
        data = {"detail": str(exc), "code": exc.code}
        if exc.field:
            data["field"] = exc.field
        return Response(data, status=exc.status)
    if isinstance(exc, exceptions.ParseError):
        exc = exceptions.ParseError(_("Le corps de la requête n'est pas un JSON valide : vérifiez sa syntaxe."))
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Introuvable."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or _("Vous n'avez pas accès à cette ressource."))
    elif isinstance(exc, (OverflowError, DataError)):
        exc = exceptions.ValidationError({"detail": [_("Une valeur est hors des limites acceptées.")]})
    elif isinstance(exc, IntegrityError):
        return Response(
            {"detail": _("Cette opération entre en conflit avec des données existantes."), "code": "conflict"},
            status=status.HTTP_409_CONFLICT,
        )
    elif isinstance(exc, exceptions.ValidationError):
        exc.detail = _without_untranslated(exc.detail)
    response = drf_exception_handler(exc, context)
    if response is not None and response.status_code == status.HTTP_400_BAD_REQUEST and isinstance(response.data, list):
        response.data = {"detail": response.data}
    return response


def _without_untranslated(detail):
    """DRF's serializers say "No data provided" (a JSON `null` body) in English only: say it in French."""
    if isinstance(detail, dict):
        return {key: _without_untranslated(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_without_untranslated(value) for value in detail]
    if getattr(detail, "code", None) == "null" and str(detail) == "No data provided":
        return ErrorDetail(_("Le corps de la requête est vide (null) : envoyez un objet JSON."), code="null")
    return detail


class AmountField(serializers.Field):  # its schema: forim_portal.schema.AmountFieldExtension
    """An amount in euros sent to the API, read by `forim_portal.money.parse_amount` as the pages and the
    services read one ("1500.50", "1 500,50", 1500); shown as "1500.50"."""

    def __init__(self, *, max_amount=None, **kwargs):
        super().__init__(**kwargs)
        self.max_amount = max_amount

    def to_internal_value(self, data):
        try:  # a list, an object or a boolean is refused there too
            amount = parse_amount(data, field=None)
        except DomainError as refusal:
            raise serializers.ValidationError(refusal.message, code=refusal.code) from None
        if self.max_amount is not None and amount > self.max_amount:
            raise serializers.ValidationError(_("Ce montant est trop élevé : vérifiez-le."), code="max_value")
        return amount

    def to_representation(self, value):
        return f"{value:.2f}"


class NoBodySerializer(serializers.Serializer):
    """For actions that take no body (submit, cancel): names the empty schema component."""
