"""Benchmark: the staff dossier export of 100,000 rows, CSV and XLSX, as the document job writes it.

    .venv/bin/python bench/exports.py [--rows 100000]

Builds its own SQLite file in a temporary directory (never your data): 1,000 associations, one
call and `--rows` filed dossiers written with bulk_create (a lighter generator than
`generate_scale_data`: the export reads dossiers, their call, association and operator, and
their review figures). Then, for each format, a fresh process runs the export job's render
(`reviews.exports.render_export`: rows read 1,000 at a time, written to a temporary file) and
reports its time, the file's size and the process's peak resident memory during the export
(the kernel's high-water mark, reset just before the export; `resource.getrusage().ru_maxrss`,
which keeps Django's start-up peak, is reported too) beside its resident memory before the
export: the difference is what the export itself holds. Writes bench/results/exports.json and prints the figures.
"""

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def setup(workdir):
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(workdir) / 'bench.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(Path(workdir) / "media")
    os.environ.pop("CELERY_BROKER_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "forim_portal.settings.base"
    import django

    django.setup()


def seed(rows):
    """Associations, one call, `rows` submitted dossiers and the staff member who exports them."""
    from decimal import Decimal

    from django.core.management import call_command
    from django.utils import timezone

    from accounts.models import Role, User
    from grants.models import Application, Call, Programme
    from grants.states import State
    from members.models import Organisation, OrganisationKind, OrganisationStatus

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    staff = User.objects.create(email="bench@example.org", role=Role.STAFF)
    programme = Programme.objects.create(code="PRA", name="PRA/OSIM")
    now = timezone.now()
    call = Call.objects.create(
        programme=programme,
        year=2026,
        title="Appel à projets PRA/OSIM 2026",
        opens_at=now - timezone.timedelta(days=90),
        deadline=now - timezone.timedelta(days=30),
    )
    organisations = Organisation.objects.bulk_create(
        [
            Organisation(
                kind=OrganisationKind.OSIM,
                name=f"Association solidaire des deux rives n°{n + 1}",
                acronym=f"ASDR{n + 1}",
                status=OrganisationStatus.VALIDATED,
                region="IDF",
            )
            for n in range(1000)
        ]
    )
    countries = ["MA", "SN", "HT", "CM", "ML", "KM", "DZ", "TN", "CI", "MG"]
    sectors = ["health", "education", "water", "economy", "rural", "social"]
    for start in range(0, rows, 5000):
        Application.objects.bulk_create(
            [
                Application(
                    call=call,
                    organisation=organisations[n % len(organisations)],
                    status=State.SUBMITTED,
                    reference=f"PRA-2026-{n + 1:06d}",
                    title=f"Accès à l'eau potable pour le village n°{n + 1}",
                    country=countries[n % len(countries)],
                    sector=sectors[n % len(sectors)],
                    locality=f"Commune n°{n % 500}",
                    amount_requested=Decimal("15000.00") - (n % 1000),
                    submitted_at=now - timezone.timedelta(minutes=n),
                )
                for n in range(start, min(rows, start + 5000))
            ]
        )
    return staff


def rss_mib():
    """Peak resident memory of this process so far (ru_maxrss is in KiB on Linux)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def status_mib(field):
    """A memory figure of /proc/self/status (VmRSS: now; VmHWM: the peak since start or last reset)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return round(int(line.split()[1]) / 1024, 1)
    return None


def reset_peak_rss():
    """Start the peak over from the current resident memory (Linux: clear_refs 5 resets the high-water
    mark getrusage reads), so the peak is the export's, not Django's start-up."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        return False
    return True


def export_once(workdir, fmt):
    """In this (fresh) process: the job's render of every row, timed, with the memory it took."""
    setup(workdir)
    from accounts.models import User
    from reviews.exports import clean_parameters, render_export

    staff = User.objects.get(email="bench@example.org")
    _variant, parameters = clean_parameters(f"export={fmt}")
    before_current, startup_peak = status_mib("VmRSS"), rss_mib()
    peak_reset = reset_peak_rss()
    reported = []
    start = time.perf_counter()
    filename, content = render_export(staff, lambda done, total: reported.append(done), parameters=parameters)
    with content:
        content.seek(0, os.SEEK_END)
        size = content.tell()
    elapsed = time.perf_counter() - start
    print(
        json.dumps(
            {
                "format": fmt,
                "rows": reported[-1],
                "seconds": round(elapsed, 2),
                "rows_per_second": round(reported[-1] / elapsed),
                "file_mib": round(size / 2**20, 1),
                "rss_before_mib": before_current,
                "startup_peak_rss_mib": startup_peak,
                "peak_rss_mib": status_mib("VmHWM") if peak_reset else rss_mib(),
                "getrusage_maxrss_mib": rss_mib(),
                "progress_reports": len(reported),
                "filename": filename,
            }
        )
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    parser.add_argument("--format", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.format:
        export_once(args.workdir, args.format)
        return
    workdir = tempfile.mkdtemp(prefix="forim-bench-exports-")
    setup(workdir)
    start = time.perf_counter()
    seed(args.rows)
    print(f"{args.rows} dossiers written in {time.perf_counter() - start:.1f} s ({workdir})")
    results = []
    for fmt in ("csv", "xlsx"):
        output = subprocess.run(
            [sys.executable, __file__, "--workdir", workdir, "--format", fmt],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        ).stdout
        figures = json.loads(output.strip().splitlines()[-1])
        results.append(figures)
        print(
            f"{fmt.upper():4} {figures['rows']} rows in {figures['seconds']:.1f} s ({figures['rows_per_second']}/s), "
            f"{figures['file_mib']} MiB file, RSS {figures['rss_before_mib']} MiB before, peak {figures['peak_rss_mib']} MiB"
        )
    import django
    from django.utils import timezone

    out = ROOT / "bench" / "results" / "exports.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "when": timezone.now().isoformat(timespec="seconds"),
                "python": platform.python_version(),
                "django": django.get_version(),
                "cpus": os.cpu_count(),
                "rows": args.rows,
                "exports": results,
            },
            indent=2,
        )
    )
    print(f"Written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
