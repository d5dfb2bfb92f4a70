"""The history import (FORIM staff): upload, preview every row, confirm; the sample file; past batches."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access import visibility
from access.permissions import staff_required
from forim_portal.errors import DomainError
from forim_portal.exports import csv_bytes

from . import services
from .forms import HistoryImportForm
from .models import HistoryImport

SESSION_KEY = "history_import"
BATCHES_SHOWN = 5
PREVIEW_PER_PAGE = 200


def _page(request, *, form, stored, status=200):
    checks = services.check_rows(stored["rows"]) if stored else None
    preview = Paginator(checks, PREVIEW_PER_PAGE).get_page(request.GET.get("page")) if checks else None
    return render(
        request,
        "history/import.html",
        {
            "form": form,
            "preview": preview,
            "counts": services.summary(checks) if checks else None,
            "file_name": stored["name"] if stored else "",
            "batches": HistoryImport.objects.select_related("imported_by")[:BATCHES_SHOWN],
            "past_count": visibility.past_projects(request.user, visibility.Purpose.PRIVATE).count(),
            "columns": services.TEMPLATE_HEADER,
        },
        status=status,
    )


@staff_required
def import_history(request):
    """Upload a spreadsheet, see what each row would become (refused with its reasons, matched or not), confirm."""
    stored = request.session.get(SESSION_KEY)
    if request.method == "POST" and "confirm" in request.POST:
        if not stored:
            messages.error(request, _("Aucun fichier en attente : choisissez d'abord un fichier."))
            return _page(request, form=HistoryImportForm(), stored=None, status=400)
        try:
            batch = services.apply_import(raw_rows=stored["rows"], file_name=stored["name"], by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return _page(request, form=HistoryImportForm(), stored=stored, status=error.status)
        del request.session[SESSION_KEY]
        messages.success(
            request,
            _(
                "Import enregistré : %(created)s projet(s) importé(s), dont %(unmatched)s sans association rattachée ; "
                "%(refused)s ligne(s) refusée(s) (voir le rapport ci-dessous)."
            )
            % {"created": batch.created_count, "unmatched": batch.unmatched_count, "refused": batch.refused_count},
        )
        return redirect("history:import")
    if request.method == "POST":
        form = HistoryImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                rows = services.read_file(form.cleaned_data["file"])
            except DomainError as error:
                form.add_error("file", error.message)
            else:
                request.session[SESSION_KEY] = {"rows": rows, "name": form.cleaned_data["file"].name}
                return redirect("history:import")
        return _page(request, form=form, stored=None, status=400)
    return _page(request, form=HistoryImportForm(), stored=stored)


@staff_required
@require_POST
def import_cancel(request):
    request.session.pop(SESSION_KEY, None)
    return redirect("history:import")


@staff_required
def template_csv(request):
    """The sample file: the columns the importer knows, two example rows (semicolon, UTF-8 with BOM for Excel)."""
    columns = [(header, (lambda row, index=index: row[index])) for index, header in enumerate(services.TEMPLATE_HEADER)]
    response = HttpResponse(csv_bytes(services.TEMPLATE_ROWS, columns), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="modele-historique-projets.csv"'
    return response
