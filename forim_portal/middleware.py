"""A refused business rule becomes a clear 4xx page, never a 500."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from .errors import DomainError


class DomainErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        """No person types a NUL character, and PostgreSQL cannot store one: refuse it before any view reads it.

        The API is left to DRF, whose text fields refuse it with their own 400.
        """
        if request.path_info.startswith("/api/"):
            return None
        submitted = [request.GET, request.POST] if request.method == "POST" else [request.GET]
        for values in submitted:
            if any("\x00" in value for _name, items in values.lists() for value in items):
                message = _("Votre saisie contient un caractère invisible (caractère nul) : retirez-le puis réessayez.")
                return self.process_exception(request, DomainError(message, code="null_character"))
        return None

    def process_exception(self, request, exception):
        if not isinstance(exception, DomainError):
            return None
        template = "errors/refused_fragment.html" if getattr(request, "htmx", False) else "errors/refused.html"
        return render(request, template, {"message": exception.message, "code": exception.code}, status=exception.status)
