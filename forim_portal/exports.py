"""Every list has an export: the same rows as CSV (French Excel friendly) or XLSX.

The writers stream: CSV a chunk of lines at a time, XLSX through openpyxl's write-only mode,
so an export of 100,000 rows holds one chunk in memory, never the whole file. Long exports
run as document jobs (`reviews.exports`) that write to a temporary file, then to storage.
"""

import csv
import datetime
import io
import tempfile
from decimal import Decimal

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

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


CHUNK_ROWS = 1000  # rows written (and progress reported) at a time


class _Line:
    """A file-like for csv.writer that hands back what it was given (one line at a time)."""

    def write(self, text):
        return text


def iter_csv(objects, columns, *, delimiter=";", bom=True):
    """The export as UTF-8 byte chunks of `CHUNK_ROWS` lines: memory stays flat whatever the row count."""
    writer = csv.writer(_Line(), delimiter=delimiter)
    yield (("\ufeff" if bom else "") + writer.writerow([str(header) for header, _accessor in columns])).encode("utf-8")
    lines = []
    for row in rows_for(objects, columns):
        lines.append(writer.writerow([_csv_safe(value) for value in row]))
        if len(lines) >= CHUNK_ROWS:
            yield "".join(lines).encode("utf-8")
            lines = []
    if lines:
        yield "".join(lines).encode("utf-8")


def _counted(objects, progress, total):
    """The rows, calling `progress(done, total)` every `CHUNK_ROWS` rows and at the end."""
    done = 0
    for obj in objects:
        yield obj
        done += 1
        if progress and done % CHUNK_ROWS == 0:
            progress(done, max(total, done))
    if progress:
        progress(done, max(total, done))


def write_csv(file, objects, columns, *, delimiter=";", progress=None, total=0):
    """Write the CSV export into a binary file, chunk by chunk."""
    for chunk in iter_csv(_counted(objects, progress, total), columns, delimiter=delimiter):
        file.write(chunk)


def write_xlsx(file, objects, columns, *, title="Export", progress=None, total=0):
    """Write the XLSX export into a binary file (or a path) with openpyxl's write-only mode: the rows
    go to a temporary file as they come, so memory stays flat whatever the row count."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(title)[:31])
    for index, (header, _accessor) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, min(50, len(str(header)) + 4))
    sheet.freeze_panes = "A2"
    headers = []
    for header, _accessor in columns:
        cell = WriteOnlyCell(sheet, value=str(header))
        cell.font = Font(bold=True)
        headers.append(cell)
    sheet.append(headers)
    for row in rows_for(_counted(objects, progress, total), columns):
        sheet.append([cell_value(value) for value in row])
    workbook.save(file)


def csv_bytes(objects, columns, *, delimiter=";"):
    return b"".join(iter_csv(objects, columns, delimiter=delimiter))


def xlsx_bytes(objects, columns, *, title="Export"):
    buffer = io.BytesIO()
    write_xlsx(buffer, objects, columns, title=title)
    return buffer.getvalue()


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def check_format(fmt):
    if fmt not in CONTENT_TYPES:
        raise DomainError(_("Format d'export inconnu : choisissez CSV ou XLSX."), code="bad_format")
    return fmt


def export_filename(filename, fmt):
    return f"{filename}-{timezone.localdate().isoformat()}.{fmt}"


def streaming_export_response(objects, columns, *, filename, fmt, title="Export", delimiter=";"):
    """The same download as `export_response`, streamed: CSV line chunks as they are read; XLSX written
    to a temporary file (write-only mode) and sent from it. Memory stays flat at any size."""
    check_format(fmt)
    if fmt == "csv":
        response = StreamingHttpResponse(iter_csv(objects, columns, delimiter=delimiter), content_type=CONTENT_TYPES[fmt])
    else:
        spool = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it once sent)
        write_xlsx(spool, objects, columns, title=title)
        spool.seek(0)
        response = FileResponse(spool, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{export_filename(filename, fmt)}"'
    return response


def export_response(objects, columns, *, filename, fmt, title="Export", delimiter=";"):
    """An HTTP download of `objects` as `fmt` ("csv" or "xlsx"), built in memory (short lists)."""
    check_format(fmt)
    if fmt == "csv":
        content = csv_bytes(objects, columns, delimiter=delimiter)
    else:
        content = xlsx_bytes(objects, columns, title=title)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{export_filename(filename, fmt)}"'
    return response
