"""Every list has an export: the same rows as CSV (French Excel friendly) or XLSX."""

import csv
import datetime
import io
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from forim_portal.errors import DomainError

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_value(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, (bool, int, float, Decimal, datetime.date)):
        return value
    return str(value)


def _csv_safe(value):
    """Neutralise spreadsheet formulas in text cells (CSV injection)."""
    value = cell_value(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value


def rows_for(objects, columns):
    """columns: [(header, accessor)]; accessor is a callable or an attribute name."""
    for obj in objects:
        yield [accessor(obj) if callable(accessor) else getattr(obj, accessor) for _header, accessor in columns]


def csv_bytes(objects, columns, *, delimiter=";"):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow([str(header) for header, _accessor in columns])
    for row in rows_for(objects, columns):
        writer.writerow([_csv_safe(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(objects, columns, *, title="Export"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(title)[:31]
    sheet.append([str(header) for header, _accessor in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows_for(objects, columns):
        sheet.append([cell_value(value) for value in row])
    for index, (header, _accessor) in enumerate(columns, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = max(12, min(50, len(str(header)) + 4))
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_response(objects, columns, *, filename, fmt, title="Export", delimiter=";"):
    """An HTTP download of `objects` as `fmt` ("csv" or "xlsx")."""
    stamp = timezone.localdate().isoformat()
    if fmt == "csv":
        response = HttpResponse(csv_bytes(objects, columns, delimiter=delimiter), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(
            xlsx_bytes(objects, columns, title=title),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise DomainError(_("Format d'export inconnu : choisissez CSV ou XLSX."), code="bad_format")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.{fmt}"'
    return response
