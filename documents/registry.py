"""Kinds of generated documents. Each app registers its own in its AppConfig.ready().

A kind says how to render (`render(job, progress)` returning `(filename, bytes)`), who may
request it and who may download it. `progress(done, total)` updates the job's bar.

Who may read a kind's documents is `readable(user)`: the queryset of targets (built from
`access.visibility`), so the job list (`access.visibility.document_jobs`) and each job's
page answer from the same query.
"""

from collections.abc import Callable
from dataclasses import dataclass

from forim_portal.errors import DomainError


@dataclass(frozen=True)
class DocumentKind:
    code: str
    label: str
    model: str  # "app_label.ModelName" of the target
    render: Callable
    readable: Callable  # (user) -> queryset of the targets whose document this user may read
    can_request: Callable | None = None  # (user, target) -> bool; defaults to can_view
    check: Callable | None = None  # (target) -> raises DomainError if the document makes no sense now
    check_variant: Callable | None = None  # (target, variant) -> raises DomainError for a variant it cannot make
    # (raw text the user sent) -> (variant, parameters dict), raising DomainError if invalid; the kind's
    # render then gets `parameters=` too. The variant names the parameters, so one job per set of them.
    parameters: Callable | None = None
    # (job, target) -> True when it sent the work to several Celery tasks (a large batch): run_job then
    # leaves the job running, and the tasks' last step calls documents.services.store_result.
    fan_out: Callable | None = None


    def can_view(self, user, target):
        return target is not None and self.readable(user).filter(pk=target.pk).exists()


_kinds: dict[str, DocumentKind] = {}


def register(kind):
    _kinds[kind.code] = kind
    return kind


def get_kind(code):
    try:
        return _kinds[code]
    except KeyError:
        raise DomainError(f"Type de document inconnu : {code}.", code="unknown_document", status=404) from None


def all_kinds():
    return dict(_kinds)
