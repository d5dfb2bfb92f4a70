"""A refused business rule becomes a clear 4xx page, never a 500."""

from django.shortcuts import render

from .errors import DomainError


class DomainErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DomainError):
            return None
        template = "errors/refused_fragment.html" if getattr(request, "htmx", False) else "errors/refused.html"
        return render(request, template, {"message": exception.message, "code": exception.code}, status=exception.status)
