"""Benchmark: award diplomas through our code against bare WeasyPrint, in the same run.

    .venv/bin/python bench/diplomas.py [--laureates 60] [--repeat 3]

Measures (median of --repeat runs, seconds):
  - one diploma as a document job (request_document -> task -> stored file), and the same HTML
    rendered by WeasyPrint alone;
  - a ceremony of N laureates: the call's diplomas as one PDF and as a ZIP through our jobs, and
    the same N pages rendered by WeasyPrint alone as one document.
Uses its own SQLite file and media folder in a temporary directory (never your data), tasks run
in-process. Writes bench/results/diplomas.json and prints the figures.
"""

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
WORKDIR = Path(tempfile.mkdtemp(prefix="forim-bench-diplomas-"))
os.environ["DATABASE_URL"] = f"sqlite:///{WORKDIR / 'bench.sqlite3'}"
os.environ["MEDIA_ROOT"] = str(WORKDIR / "media")
os.environ.pop("CELERY_BROKER_URL", None)  # tasks run in-process: we time our code, not a queue
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forim_portal.settings.base")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402


def seed(laureates):
    """A call and its laureates. Rows are written directly: the bench times rendering, not the workflow."""
    from accounts.models import Role, User
    from grants.models import Application, Call, Programme
    from grants.states import State
    from members.models import Organisation, OrganisationKind, OrganisationStatus

    staff = User.objects.create(email="bench@example.org", role=Role.STAFF)
    programme = Programme.objects.create(code="PRA", name="PRA/OSIM")
    call = Call.objects.create(programme=programme, year=2026, title="Appel à projets PRA/OSIM 2026",
                               opens_at=timezone.now() - timezone.timedelta(days=90), deadline=timezone.now() - timezone.timedelta(days=30),
                               tranche_split=[70, 30])
    countries = ["MA", "SN", "HT", "CM", "ML", "KM", "DZ", "TN", "CI", "MG"]
    for n in range(laureates):
        organisation = Organisation.objects.create(kind=OrganisationKind.OSIM, name=f"Association solidaire des deux rives n°{n + 1}",
                                                   acronym=f"ASDR{n + 1}", status=OrganisationStatus.VALIDATED)
        Application.objects.create(call=call, organisation=organisation, status=State.AWARDED, reference=f"PRA-2026-{n + 1:04d}",
                                   title=f"Accès à l'eau potable et assainissement pour le village n°{n + 1}",
                                   country=countries[n % len(countries)], locality=f"Commune rurale n°{n + 1}",
                                   awarded_amount=Decimal("15000.00") - n * Decimal("123.45"))
    return staff, call


def timed(function, repeat):
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        runs.append(time.perf_counter() - start)
    return {"median_s": round(statistics.median(runs), 4), "runs_s": [round(r, 4) for r in runs]}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--laureates", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import weasyprint

    from awards.documents import diplomas_html, laureates
    from documents.models import JobStatus
    from documents.pdf import LocalOnlyFetcher
    from documents.services import request_document

    call_command("migrate", verbosity=0)
    staff, call = seed(args.laureates)
    applications = laureates(call)
    one_html = diplomas_html(applications[:1])
    all_html = diplomas_html(applications)

    def bare(html):
        return lambda: weasyprint.HTML(string=html, base_url="static:///", url_fetcher=LocalOnlyFetcher()).write_pdf()

    def job(kind, target, variant=""):
        def run():
            done = request_document(kind=kind, target=target, user=staff, variant=variant)
            done.refresh_from_db()
            if done.status != JobStatus.DONE:
                raise SystemExit(f"{kind} failed: {done.error}")
        return run

    bare(one_html)()  # warm fonts and caches once, for both sides
    figures = {
        "one_diploma": {"ours_job": timed(job("diploma", applications[0]), args.repeat), "weasyprint_bare": timed(bare(one_html), args.repeat)},
        "ceremony": {
            "laureates": len(applications),
            "ours_job_pdf": timed(job("call_diplomas", call, "pdf"), args.repeat),
            "ours_job_zip": timed(job("call_diplomas", call, "zip"), args.repeat),
            "weasyprint_bare_one_document": timed(bare(all_html), args.repeat),
        },
    }
    result = {
        "when": timezone.now().isoformat(timespec="seconds"),
        "python": platform.python_version(), "weasyprint": weasyprint.__version__, "cpus": os.cpu_count(),
        "repeat": args.repeat, **figures,
    }
    out = ROOT / "bench" / "results" / "diplomas.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    one, ceremony = figures["one_diploma"], figures["ceremony"]
    print(f"One diploma          ours (job) {one['ours_job']['median_s']:.3f} s | WeasyPrint bare {one['weasyprint_bare']['median_s']:.3f} s")
    print(f"{ceremony['laureates']} laureates, PDF    ours (job) {ceremony['ours_job_pdf']['median_s']:.3f} s | "
          f"WeasyPrint bare {ceremony['weasyprint_bare_one_document']['median_s']:.3f} s")
    print(f"{ceremony['laureates']} laureates, ZIP    ours (job) {ceremony['ours_job_zip']['median_s']:.3f} s")
    print(f"Written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
