"""Benchmark: award diplomas through our code against bare WeasyPrint, in the same run.

    .venv/bin/python bench/diplomas.py [--laureates 60] [--repeat 3] [--broker redis://127.0.0.1:6390/7]

Measures (median of --repeat runs, seconds):
  - one diploma as a document job (request_document -> task -> stored file), and the same HTML
    rendered by WeasyPrint alone;
  - a ceremony of N laureates: the call's diplomas as one PDF and as a ZIP through our jobs, and
    the same N pages rendered by WeasyPrint alone as one document (the ZIP's bound: 1.1x that), run
    in turn round after round, so that a change of load hits the three alike;
  - with --broker (a Redis that runs: `redis-server --port 6390 --daemonize yes`): the same ZIP
    job through real Celery workers started by the bench, one worker process then two
    (`celery -A forim_portal worker -c 1`, then `-c 2`): above `PARALLEL_ABOVE` laureates the job
    is cut into parts of `PART_SIZE` (a chord), so two workers share it. Timed from the request
    to the stored file (polled every 20 ms).
Uses its own SQLite file and media folder in a temporary directory (never your data); without
--broker tasks run in-process. Writes bench/results/diplomas.json and prints the figures.
"""

import argparse
import gc
import json
import os
import platform
import signal
import statistics
import subprocess
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
PARSER = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
PARSER.add_argument("--laureates", type=int, default=60)
PARSER.add_argument("--repeat", type=int, default=3)
PARSER.add_argument("--broker", default="", help="a Redis URL: also time the ZIP on one worker, then two")
ARGS = PARSER.parse_args()  # before Django starts: the broker is a setting
os.environ.pop("CELERY_BROKER_URL", None)
os.environ.pop("CELERY_RESULT_BACKEND", None)
if ARGS.broker:  # the workers' runs go through it; the in-process runs switch eagerness on
    os.environ["CELERY_BROKER_URL"] = ARGS.broker
os.environ["DJANGO_SETTINGS_MODULE"] = "forim_portal.settings.base"

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


def interleaved(functions, repeat):
    """{name: timed} of several functions run in turn, `repeat` rounds: a change of the machine's load hits
    each of them alike, so their ratios hold where timing one after the other would not."""
    runs = {name: [] for name in functions}
    for _ in range(repeat):
        for name, function in functions.items():
            gc.collect()  # each starts without the garbage of the one before
            start = time.perf_counter()
            function()
            runs[name].append(time.perf_counter() - start)
    return {name: {"median_s": round(statistics.median(r), 4), "runs_s": [round(t, 4) for t in r]} for name, r in runs.items()}


def timed(function, repeat):
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        runs.append(time.perf_counter() - start)
    return {"median_s": round(statistics.median(runs), 4), "runs_s": [round(r, 4) for r in runs]}


def start_worker(concurrency):
    """A Celery worker on the bench's database, media and broker (its own process group, stopped by its pid)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    log = open(WORKDIR / f"worker-{concurrency}.log", "w")  # noqa: SIM115 - kept open for the worker's life
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "forim_portal", "worker", "-c", str(concurrency), "--loglevel=warning",
         "--without-heartbeat", "--without-gossip", "--without-mingle", "-n", f"bench-diplomas-{concurrency}@%h"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    from forim_portal.celery import app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if app.control.ping(timeout=0.5, destination=[f"bench-diplomas-{concurrency}@{platform.node()}"]):
            return process
        time.sleep(0.5)
    stop_worker(process)
    raise SystemExit(f"the worker did not answer; see {WORKDIR / f'worker-{concurrency}.log'}")


def stop_worker(process):
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def on_workers(concurrency, call, staff, repeat):
    """The call's ZIP job through `concurrency` worker processes: request -> stored file."""
    from documents.models import JobStatus
    from documents.services import request_document
    from forim_portal.celery import app

    app.conf.task_always_eager = False
    process = start_worker(concurrency)
    try:
        def run():
            job = request_document(kind="call_diplomas", target=call, user=staff, variant="zip")
            while True:
                job.refresh_from_db()
                if job.status in {JobStatus.DONE, JobStatus.FAILED}:
                    break
                time.sleep(0.02)
            if job.status != JobStatus.DONE:
                raise SystemExit(f"call_diplomas failed on the workers: {job.error}")

        run()  # warm the worker's fonts and imports
        return timed(run, repeat)
    finally:
        stop_worker(process)
        app.conf.task_always_eager = True


def main():
    args = ARGS
    from forim_portal.celery import app

    app.conf.task_always_eager = True  # in-process runs first: we time our code, not a queue

    import weasyprint

    from awards.documents import PARALLEL_ABOVE, PART_SIZE, diplomas_html, laureates
    from documents.models import JobStatus
    from documents.pdf import LocalOnlyFetcher
    from documents.services import request_document

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
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
            **interleaved({
                "weasyprint_bare_one_document": bare(all_html),
                "ours_job_pdf": job("call_diplomas", call, "pdf"),
                "ours_job_zip": job("call_diplomas", call, "zip"),
            }, args.repeat),
        },
    }
    ceremony = figures["ceremony"]
    ceremony["zip_over_bare"] = round(ceremony["ours_job_zip"]["median_s"] / ceremony["weasyprint_bare_one_document"]["median_s"], 3)
    ceremony["zip_over_bare_per_round"] = [
        round(zip_s / bare_s, 3)
        for zip_s, bare_s in zip(ceremony["ours_job_zip"]["runs_s"], ceremony["weasyprint_bare_one_document"]["runs_s"], strict=True)
    ]
    if args.broker:
        figures["workers"] = {
            "laureates": len(applications), "parallel_above": PARALLEL_ABOVE, "part_size": PART_SIZE,
            "zip_one_worker": on_workers(1, call, staff, args.repeat),
            "zip_two_workers": on_workers(2, call, staff, args.repeat),
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
    print(f"{ceremony['laureates']} laureates, ZIP    ours (job) {ceremony['ours_job_zip']['median_s']:.3f} s "
          f"({ceremony['zip_over_bare']:.2f}x the bare one-document render; per round {ceremony['zip_over_bare_per_round']})")
    if "workers" in figures:
        workers = figures["workers"]
        print(f"{workers['laureates']} laureates, ZIP    one worker {workers['zip_one_worker']['median_s']:.3f} s | "
              f"two workers {workers['zip_two_workers']['median_s']:.3f} s (parts of {workers['part_size']})")
    print(f"Written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
