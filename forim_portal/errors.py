"""The error every business rule raises, so views and the API can answer with a 4xx."""


class DomainError(Exception):
    """A rule refused an action. `message` is French, user-facing; `code` is stable."""

    status = 400

    def __init__(self, message, *, code="refused", field=None, status=None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field
        if status is not None:
            self.status = status


class Conflict(DomainError):
    """Someone else changed the object first (stale save, double decision)."""

    status = 409
