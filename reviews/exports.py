"""The staff dossier table's export: streamed straight to the browser up to `JOB_THRESHOLD` rows,
a document job above it (written to a temporary file in chunks, then to storage, with its progress
on the job's page). Both read the same filtered rows and write the same columns.

The job's target is the staff member who asks (only they, and FORIM staff, may read it); its
parameters are the table's filters, and its variant names them, so asking twice for the same
export re-runs one job instead of piling files up.
"""

import hashlib
import json
import tempfile

from django.core.files import File
from django.http import QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access import visibility
from accounts.models import User
from documents.registry import DocumentKind, register
from forim_portal.errors import DomainError
from forim_portal.exports import check_format, export_filename, streaming_export_response, write_csv, write_xlsx

from . import selectors
from .filters import ApplicationFilter

KIND = "dossier_export"
JOB_THRESHOLD = 2000  # rows; above it the export is a document job
NOT_FILTERS = {"export", "page"}


def _columns():
    from .views import EXPORT_COLUMNS

    return EXPORT_COLUMNS


def filtered(user, data):
    """The staff table's rows for these filters, or a French refusal if the filters are invalid."""
    filterset = ApplicationFilter(data, queryset=selectors.staff_applications(user))
    if not filterset.is_valid():
        raise DomainError(_("Filtres invalides : corrigez-les avant d'exporter."), code="bad_filters")
    return filterset.qs


def _filters(parameters):
    data = QueryDict(mutable=True)
    for name, values in parameters.get("filters", {}).items():
        data.setlist(name, values)
    return data


def clean_parameters(raw):
    """(variant, parameters) from the table's query string: the filters and the format, nothing else."""
    query = QueryDict(raw or "")
    fmt = check_format(query.get("export", ""))
    parameters = {
        "export": fmt,
        "filters": {name: query.getlist(name) for name in sorted(query) if name not in NOT_FILTERS},
    }
    filtered(None, _filters(parameters))  # refused now, with its message, rather than a failed job later
    digest = hashlib.sha256(json.dumps(parameters, sort_keys=True).encode()).hexdigest()[:32]
    return f"{fmt}-{digest}", parameters


def respond(request, rows, *, fmt):
    """The export of the table's rows: a streamed download, or (above the threshold) the page that starts its job."""
    check_format(fmt)
    count = rows.count()
    if count <= JOB_THRESHOLD:
        return streaming_export_response(
            selectors.in_batches(rows), _columns(), filename="dossiers", fmt=fmt, title=_("Dossiers")
        )
    return render(
        request,
        "reviews/export_job.html",
        {
            "count": count,
            "fmt": fmt,
            "kind": KIND,
            "target": request.user.pk,
            "parameters": request.GET.urlencode(),
            "threshold": JOB_THRESHOLD,
        },
    )


def render_export(user, progress, variant="", parameters=None):
    """The job: rows read 1,000 at a time, written to a temporary file, which storage then copies in chunks."""
    parameters = parameters or {}
    fmt = check_format(parameters.get("export", ""))
    rows = filtered(user, _filters(parameters))
    total = rows.count()
    progress(0, total)
    spool = tempfile.TemporaryFile()  # noqa: SIM115 (documents.services closes it once stored)
    try:
        if fmt == "csv":
            write_csv(spool, selectors.in_batches(rows), _columns(), progress=progress, total=total)
        else:
            write_xlsx(
                spool, selectors.in_batches(rows), _columns(), title=_("Dossiers"), progress=progress, total=total
            )
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return export_filename("dossiers", fmt), File(spool)


def readable(user):
    """A staff member reads the exports they asked for; nobody else's, and nobody outside FORIM."""
    return User.objects.filter(pk=user.pk) if visibility.is_staff(user) else User.objects.none()


def can_request(user, target):
    return visibility.is_staff(user) and target is not None and target.pk == user.pk


def register_kind():
    register(
        DocumentKind(
            code=KIND,
            label=gettext_lazy("Export des dossiers"),
            model="accounts.User",
            render=render_export,
            readable=readable,
            can_request=can_request,
            parameters=clean_parameters,
        )
    )
