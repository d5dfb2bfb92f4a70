"""Backup and restore of the whole portal: database rows and stored files, in one archive.

The archive is a gzipped tar holding `manifest.json` (when, what, counts and checksums),
`data.json` (every row, as `dumpdata` writes it with natural keys, so it loads into a fresh
database of either engine) and `files/<name>` for every file in the default storage, read
and written through Django's storage API so local disk and S3 behave the same.
"""

import datetime
import hashlib
import io
import json
import posixpath
import tarfile
import tempfile
import zlib
from pathlib import Path

from django.apps import apps
from django.core import management, serializers
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from members.country_index import sync_countries
from members.models import Organisation

FORMAT_VERSION = 1
# Rebuilt by `migrate` or only meaningful to a running process: not worth restoring.
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "admin.logentry"]


class RestoreError(Exception):
    """The archive cannot be restored here; the message says why, in French."""


def stored_files(storage=default_storage, top=""):
    """Every file name in `storage`, walking folders through the storage API."""
    try:
        folders, files = storage.listdir(top)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield posixpath.join(top, name) if top else name
    for folder in sorted(folders):
        yield from stored_files(storage, posixpath.join(top, folder) if top else folder)


def _add(archive, name, payload):
    info = tarfile.TarInfo(name)
    info.size = len(payload)
    info.mtime = int(datetime.datetime.now(datetime.UTC).timestamp())
    archive.addfile(info, io.BytesIO(payload))


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder cuts times to the millisecond; a backup keeps every microsecond."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time) and o.microsecond:
            return o.isoformat()
        return super().default(o)


def _rows():
    """Every row to keep, models in dependency order (as `dumpdata` orders them)."""
    models = serializers.sort_dependencies([(config, None) for config in apps.get_app_configs()], allow_cycles=True)
    for model in models:
        label = model._meta.label_lower
        if model._meta.app_label in EXCLUDED or label in EXCLUDED or model._meta.proxy or not model._meta.managed:
            continue
        yield from model._base_manager.order_by("pk").iterator(chunk_size=2000)


def write_backup(target, *, storage=default_storage):
    """Write the archive to the binary file object `target`; returns the manifest."""
    rows = io.StringIO()
    with transaction.atomic():  # one consistent snapshot of the rows
        serializers.serialize("json", _rows(), stream=rows, cls=ExactJSONEncoder, use_natural_foreign_keys=True)
    data = rows.getvalue().encode()
    files = {}
    with tarfile.open(fileobj=target, mode="w:gz") as archive:
        _add(archive, "data.json", data)
        for name in stored_files(storage):
            with storage.open(name, "rb") as handle:
                payload = handle.read()
            files[name] = hashlib.sha256(payload).hexdigest()
            _add(archive, f"files/{name}", payload)
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
            "rows": len(json.loads(data)),
            "data_sha256": hashlib.sha256(data).hexdigest(),
            "files": files,
        }
        _add(archive, "manifest.json", json.dumps(manifest, indent=1).encode())
    return manifest


def _has_rows():
    skipped = {"contenttypes", "auth", "sessions", "admin"}
    return any(
        model.objects.exists()
        for model in apps.get_models()
        if model._meta.app_label not in skipped and model._meta.managed and not model._meta.proxy
    )


def read_backup(source, *, storage=default_storage, replace_files=False):
    """Restore the archive from the binary file object `source` into an empty, migrated database."""
    try:
        return _read(source, storage=storage, replace_files=replace_files)
    except (tarfile.TarError, EOFError, zlib.error, json.JSONDecodeError, KeyError, UnicodeDecodeError) as error:
        raise RestoreError(f"La sauvegarde est abîmée ou incomplète ({error.__class__.__name__}).") from error


def _read(source, *, storage, replace_files):
    with tarfile.open(fileobj=source, mode="r:gz") as archive:
        members = {member.name: member for member in archive.getmembers() if member.isfile()}
        if "manifest.json" not in members or "data.json" not in members:
            raise RestoreError("Ce fichier n'est pas une sauvegarde du portail (manifest.json ou data.json absent).")
        manifest = json.loads(archive.extractfile(members["manifest.json"]).read())
        if manifest.get("format") != FORMAT_VERSION:
            raise RestoreError(f"Format de sauvegarde {manifest.get('format')} inconnu (attendu : {FORMAT_VERSION}).")
        data = archive.extractfile(members["data.json"]).read()
        if hashlib.sha256(data).hexdigest() != manifest["data_sha256"]:
            raise RestoreError("La sauvegarde est abîmée : les données ne correspondent pas à leur empreinte.")
        if _has_rows():
            raise RestoreError(
                "La base n'est pas vide : restaurez dans une base neuve (migrate, sans données de démonstration)."
            )
        for name, digest in manifest["files"].items():
            payload = archive.extractfile(members[f"files/{name}"]).read()
            if hashlib.sha256(payload).hexdigest() != digest:
                raise RestoreError(f"La sauvegarde est abîmée : le fichier {name} ne correspond pas à son empreinte.")
            if storage.exists(name):
                if not replace_files:
                    continue
                storage.delete(name)
            saved = storage.save(name, ContentFile(payload))
            if saved != name:
                raise RestoreError(f"Le fichier {name} n'a pas pu être remis sous son nom (enregistré sous {saved}).")
    with tempfile.TemporaryDirectory() as folder:
        fixture = Path(folder) / "data.json"
        fixture.write_bytes(data)
        with transaction.atomic():
            management.call_command("loaddata", str(fixture), verbosity=0)
            # Derived rows a backup older than their table lacks (the directory's country filter): rebuilt from
            # the organisations' own fields; a newer backup brought them and nothing is written.
            sync_countries(Organisation.objects.only("pk", "diaspora_countries", "intervention_countries").iterator())
    return manifest
