"""Demo history: a few past PRA/OSIM projects (history/demo_history.csv), so the laureates map has a past.

Imported through the service, as staff would; idempotent (a second run finds every reference taken)."""

from pathlib import Path

from django.core.files import File

from accounts.models import User

from . import services

DEMO_FILE = Path(__file__).resolve().parent / "demo_history.csv"


def load():
    staff = User.objects.get(email="instruction@example.org")
    with DEMO_FILE.open("rb") as handle:
        rows = services.read_file(File(handle, name=DEMO_FILE.name))
    if all(check.errors for check in services.check_rows(rows)):
        return
    services.apply_import(raw_rows=rows, file_name=DEMO_FILE.name, by=staff)
