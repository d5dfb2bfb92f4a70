"""Uploaded files: checked by name, size and content before they reach storage.

The browser's content type and the file's extension are claims; the first bytes are
evidence. Office files are ZIP archives, opened to refuse ZIP bombs.
"""

import os
import re
import unicodedata
import zipfile

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# extension -> kind of content it must hold
ALLOWED_EXTENSIONS = {
    "pdf": "pdf",
    "jpg": "jpeg",
    "jpeg": "jpeg",
    "png": "png",
    "docx": "zip",
    "xlsx": "zip",
    "odt": "zip",
    "ods": "zip",
}
DOCUMENT_EXTENSIONS = tuple(ALLOWED_EXTENSIONS)
SPREADSHEET_EXTENSIONS = ("xlsx", "csv")
MAX_UNCOMPRESSED = 100 * 1024 * 1024
MAX_RATIO = 100


def sniff(head):
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    return None


def safe_filename(name):
    """The base name only, in plain characters: no path, no control characters."""
    name = os.path.basename((name or "").replace("\\", "/"))
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip(".-")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    return f"{stem[:100] or 'document'}.{extension.lower()}" if extension else (stem[:100] or "document")


def _check_zip(upload):
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            total = 0
            for info in archive.infolist():
                total += info.file_size
                if total > MAX_UNCOMPRESSED or (info.compress_size and info.file_size / info.compress_size > MAX_RATIO):
                    raise ValidationError(
                        _("Ce fichier compressé se décompresse en un volume anormal : il est refusé."), code="zip_bomb"
                    )
    except zipfile.BadZipFile as exc:
        raise ValidationError(_("Ce fichier est endommagé ou n'est pas un document bureautique valide."), code="bad_zip") from exc
    finally:
        upload.seek(0)


def validate_upload(upload, *, extensions=DOCUMENT_EXTENSIONS, max_size=None):
    """Check an uploaded file; return its safe name or raise ValidationError in French."""
    max_size = max_size or settings.MAX_UPLOAD_SIZE
    original = upload.name or ""
    if "/" in original or "\\" in original or "\x00" in original or ".." in original:
        raise ValidationError(_("Le nom du fichier ne doit pas contenir de chemin."), code="path_in_name")
    name = safe_filename(original)
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    if extension not in extensions:
        raise ValidationError(
            _("Type de fichier non accepté (« %(ext)s »). Formats acceptés : %(allowed)s.")
            % {"ext": extension or "?", "allowed": ", ".join(extensions)},
            code="extension",
        )
    if upload.size is not None and upload.size > max_size:
        raise ValidationError(
            _("Fichier trop volumineux (%(size)s Mo) : %(max)s Mo au maximum.")
            % {"size": round(upload.size / 1048576, 1), "max": round(max_size / 1048576)},
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("Le fichier est vide."), code="empty")
    if extension == "csv":
        return name
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    expected = ALLOWED_EXTENSIONS.get(extension)
    if sniff(head) != expected:
        raise ValidationError(
            _("Le contenu du fichier ne correspond pas à son extension « .%(ext)s » : envoyez un vrai fichier %(kind)s.")
            % {"ext": extension, "kind": extension.upper()},
            code="content_mismatch",
        )
    if expected == "zip":
        _check_zip(upload)
    return name


class SafeFileField(forms.FileField):
    """A form field that runs `validate_upload` and renames the file safely."""

    default_error_messages = {"required": gettext_lazy("Choisissez un fichier.")}

    def __init__(self, *args, extensions=DOCUMENT_EXTENSIONS, max_size=None, **kwargs):
        self.extensions = extensions
        self.max_size = max_size
        values = {"formats": ", ".join(extensions), "max": round((max_size or settings.MAX_UPLOAD_SIZE) / 1048576)}
        # Lazy to the end: a field built at import time still speaks the reader's language.
        kwargs.setdefault("help_text", lazy(lambda: _("Formats : %(formats)s. %(max)s Mo au maximum.") % values, str)())
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("accept", ",".join(f".{e}" for e in extensions))

    def clean(self, data, initial=None):
        data = super().clean(data, initial)
        if data and hasattr(data, "size") and data is not initial:
            data.name = validate_upload(data, extensions=self.extensions, max_size=self.max_size)
        return data


def serve_file(fieldfile, *, filename=None, inline=False):
    """Stream a stored file to a user already checked by the caller (never a public URL)."""
    handle = fieldfile.storage.open(fieldfile.name, "rb")
    response = FileResponse(handle, as_attachment=not inline, filename=filename or os.path.basename(fieldfile.name))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
