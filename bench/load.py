"""Load benchmark: the deadline hour and the staff day, against gunicorn on PostgreSQL.

    .venv/bin/python bench/load.py --database-url postgres://forim_bench:forim_bench@127.0.0.1:5432/forim_bench \
        --users 20 --duration 60

Needs the dataset of `manage.py generate_scale_data` in that database. Starts gunicorn on
127.0.0.1 with bench/settings.py (the portal plus a bare view, the floor), then threads replay:
- associations at the deadline: log in, list their dossiers, open one, autosave its project step
  (the whole form, as the browser posts it), submit it;
- FORIM staff: the instruction table with filters, dossier pages, CSV exports;
- the floor: a bare Django view, in the same run.
Reports requests/s and p50/p95/p99 per page, the SQL queries each page runs (measured once
in-process), and counts submissions: none lost, none doubled. Results in bench/results/.
Loopback only, bounded users and duration. Not a test: figures depend on the machine.
"""

import argparse
import html.parser
import http.client
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"
PASSWORD = "charge-forim-2026"  # noqa: S105 - the scale data's public benchmark password


class Session:
    """One user's cookies over one keep-alive connection to the local server."""

    def __init__(self, port, record):
        self.port, self.record, self.cookies = port, record, {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(self, page, method, path, data=None, extra_headers=None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "Host": "127.0.0.1", **(extra_headers or {})}
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data)
            headers.update({"Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": self.cookies.get("csrftoken", ""),
                            "Referer": f"http://127.0.0.1:{self.port}{path}"})
        started = time.perf_counter()
        try:
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # the server closed a keep-alive connection left idle while the person was reading:
                # a browser opens a new one and sends the request again, so does this client
                self.connection.close()
                started = time.perf_counter()
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
            content = response.read()
            status = response.status
            timing = re.search(r"app;dur=([0-9.]+)", response.getheader("Server-Timing") or "")
            if timing:
                self.record.server(page, float(timing.group(1)))
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name] = rest.split(";")[0]
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            status, content = 0, b""
        self.record(page, time.perf_counter() - started, status)
        return status, content

    def login(self, email, page="connexion"):
        self.request(page, "GET", "/connexion/")
        status, _ = self.request(page, "POST", "/connexion/", {"username": email, "password": PASSWORD})
        return status == 302


class FormFields(html.parser.HTMLParser):
    """The fields a browser would post from a page's form: inputs, selected options, textareas."""

    def __init__(self, html_text):
        super().__init__()
        self.fields, self._select, self._textarea = {}, None, None
        self.feed(html_text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in {"submit", "button", "file", "checkbox", "radio"}:
            self.fields[name] = attrs.get("value") or ""
        elif tag == "input" and name and attrs.get("type") in {"checkbox", "radio"} and "checked" in attrs:
            self.fields[name] = attrs.get("value") or "on"
        elif tag == "select" and name:
            self._select = name
            self.fields.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields[self._select] = attrs.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.times = defaultdict(list)
        self.server_ms = defaultdict(list)
        self.errors = defaultdict(int)

    def server(self, page, ms):
        """The worker's own time for the request (bench.timing), without the queue in front of it."""
        with self.lock:
            self.server_ms[page].append(ms)

    def __call__(self, page, seconds, status):
        with self.lock:
            self.times[page].append(seconds)
            if status == 0 or status >= 500:
                self.errors[page] += 1


def percentile(values, q):
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


# --- the scenarios -----------------------------------------------------------------------------------


def association_deadline(port, record, email, draft_pk, stop, submitted, think=0.0, arrives_after=0.0, session=None):
    stop.wait(arrives_after)  # people arrive over the hour's first minutes, not all in the same second
    if session is None:  # else signed in before the hour (--signed-in)
        session = Session(port, record)
        if not session.login(email):
            return
    autosaves = 0
    while not stop.is_set():
        session.request("mes-dossiers", "GET", "/subventions/mes-dossiers/")
        stop.wait(think)
        session.request("dossier", "GET", f"/subventions/dossiers/{draft_pk}/")
        stop.wait(think)
        _, step_page = session.request("etape", "GET", f"/subventions/dossiers/{draft_pk}/etape/project/")
        stop.wait(think)
        # the browser's autosave posts the whole step form, with the field being typed changed
        fields = FormFields(step_page.decode("utf-8", "replace")).fields
        fields.pop("csrfmiddlewaretoken", None)
        session.request("autosave", "POST", f"/subventions/dossiers/{draft_pk}/etape/project/autosave/",
                        {**fields, "title": f"Adduction d'eau potable, version {autosaves}"})
        autosaves += 1
        stop.wait(think)
        if autosaves == 3:
            status, _ = session.request("deposer", "POST", f"/subventions/dossiers/{draft_pk}/deposer/", {})
            submitted.append((draft_pk, status))
            # A double click: the second submission must not create a second one.
            session.request("deposer", "POST", f"/subventions/dossiers/{draft_pk}/deposer/", {})


def staff_day(port, record, cookies, dossier_pks, stop, think=0.0):
    """Staff owe the second factor: their sessions are opened verified in-process (`verified_session`).
    `think`: seconds between two pages (0: clicking without pause, more load than people give)."""
    session = Session(port, record)
    session.cookies = dict(cookies)
    if session.request("instruction-table", "GET", "/instruction/dossiers/")[0] != 200:
        print("Session d'équipe refusée : les pages d'instruction ne sont pas mesurées.", file=sys.stderr)
        return
    turn = 0
    while not stop.is_set():
        session.request("instruction-table", "GET", "/instruction/dossiers/?status=submitted")
        stop.wait(think)
        session.request("instruction-table", "GET", "/instruction/dossiers/?sector=water&country=SN")
        stop.wait(think)
        dossier = f"/instruction/dossiers/{dossier_pks[turn % len(dossier_pks)]}/"
        session.request("instruction-dossier", "GET", dossier)
        for part in ("avis-evaluation", "echanges-suivi"):  # what the page's htmx asks once shown (one after the other here)
            session.request("instruction-dossier-suite", "GET", f"{dossier}suite/{part}/", extra_headers={"HX-Request": "true"})
        stop.wait(think)
        if turn % 5 == 0:
            session.request("instruction-export", "GET", "/instruction/dossiers/?status=submitted&export=csv")
        turn += 1


def sign_in_before(port, record, emails, *, at_once=2):
    """Sessions opened before the hour, `at_once` sign-ins at a time: each is one password hash (PBKDF2,
    about half a second of a CPU), which is the point of a hash, so 100 at the same second queue behind one
    another on two CPUs. Recorded as 'connexion-avant', apart from the hour's pages."""
    sessions, lock = {}, threading.Lock()
    queue = list(emails)

    def sign_in():
        while True:
            with lock:
                if not queue:
                    return
                email = queue.pop()
            session = Session(port, record)
            if session.login(email, page="connexion-avant"):
                with lock:
                    sessions[email] = session

    workers = [threading.Thread(target=sign_in) for _ in range(at_once)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sessions


def floor(port, record, stop):
    session = Session(port, record)
    while not stop.is_set():
        session.request("floor", "GET", "/bench/floor/")


# --- in-process measures (Django set up on the same database) -----------------------------------------


def django_setup(database_url):
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()


def open_deadline_hour():
    """The scenario is the last hour before a deadline: the scale data's open call (the latest) closes an
    hour from now, whenever the dataset was generated. Benchmark database only."""
    import datetime

    from accounts.management.commands.generate_scale_data import PROGRAMME_CODE
    from grants.models import Call

    latest = Call.objects.filter(programme__code=PROGRAMME_CODE).order_by("-year", "-pk").first()
    if latest:
        Call.objects.filter(pk=latest.pk).update(deadline=time_now() + datetime.timedelta(hours=1))


def pick_actors(users):
    from accounts.management.commands.generate_scale_data import EMAIL_DOMAIN, PROGRAMME_CODE
    from grants.models import Application
    from grants.states import State

    drafts = (
        Application.objects.filter(call__programme__code=PROGRAMME_CODE, status=State.DRAFT, call__deadline__gt=time_now())
        .select_related("organisation").order_by("pk")
    )
    pairs = []
    for draft in drafts[: users * 3]:
        membership = draft.organisation.memberships.select_related("user").first()
        if membership and membership.user.email.endswith(EMAIL_DOMAIN) and membership.user.email not in {e for e, _ in pairs}:
            pairs.append((membership.user.email, draft.pk))
        if len(pairs) == users:
            break
    dossiers = list(Application.objects.filter(call__programme__code=PROGRAMME_CODE, status=State.SUBMITTED).values_list("pk", flat=True)[:200])
    staff = [f"equipe{n}@{EMAIL_DOMAIN}" for n in range(1, 6)]
    return pairs, dossiers, staff


def verified_session(email):
    """Cookies of a staff session that passed the second factor (a TOTP device of the bench), as bench/pages.py
    opens them: a sign-in over HTTP would stop at the code page and the staff pages would measure its redirect."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import User

    user = User.objects.get(email=email)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    device = device or TOTPDevice.objects.create(user=user, name="Banc de charge", confirmed=True)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user, backend="accounts.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return {name: morsel.value for name, morsel in client.cookies.items()}


def time_now():
    from django.utils import timezone

    return timezone.now()


def count_submissions(draft_pks):
    from django.db.models import Count

    from grants.models import Application, Transition

    submitted = Application.objects.filter(pk__in=draft_pks, status="submitted").count()
    doubled = (
        Transition.objects.filter(application_id__in=draft_pks, name="submit").values("application_id")
        .annotate(n=Count("id")).filter(n__gt=1).count()
    )
    references = Application.objects.filter(pk__in=draft_pks).exclude(reference=None).values("reference").distinct().count()
    return {"submitted": submitted, "doubled": doubled, "distinct_references": references}


def query_counts(pairs, dossiers, staff):
    """Each page once in-process under CaptureQueriesContext: how many SQL queries it runs."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    email, draft_pk = pairs[0]
    pages = {
        "mes-dossiers": (email, "/subventions/mes-dossiers/"),
        "dossier": (email, f"/subventions/dossiers/{draft_pk}/"),
        "etape": (email, f"/subventions/dossiers/{draft_pk}/etape/project/"),
        "instruction-table": (staff[0], "/instruction/dossiers/?status=submitted"),
        "instruction-dossier": (staff[0], f"/instruction/dossiers/{dossiers[0]}/"),
        "instruction-export": (staff[0], "/instruction/dossiers/?status=submitted&export=csv"),
        "floor": (None, "/bench/floor/"),
    }
    counts = {}
    for page, (who, path) in pages.items():
        client = Client(HTTP_HOST="127.0.0.1")
        if who in staff:
            for name, value in verified_session(who).items():
                client.cookies[name] = value
        elif who:
            client.force_login(User.objects.get(email=who), backend="accounts.backends.ModelBackend")
        with CaptureQueriesContext(connection) as queries:
            status = client.get(path).status_code
        counts[page] = {"queries": len(queries), "status": status}
    return counts


# --- the run -----------------------------------------------------------------------------------------


def start_gunicorn(port, workers, database_url, *, threads=2, extra_env=None):
    """gunicorn on loopback with bench/settings.py (`threads=1`: sync workers), once the floor answers."""
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "bench.settings", "PYTHONPATH": str(ROOT),
           **(extra_env or {})}
    process = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "forim_portal.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--threads", str(threads), "--log-level", "warning"],
        cwd=ROOT, env=env,
    )
    for _ in range(120):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/bench/floor/")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.5)
    process.terminate()
    raise SystemExit("gunicorn ne démarre pas")


def start_worker(broker, database_url):
    """A Celery worker on the bench's database and broker, as docker-compose runs it (its own process group)."""
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "bench.settings", "PYTHONPATH": str(ROOT),
           "CELERY_BROKER_URL": broker}
    RESULTS.mkdir(parents=True, exist_ok=True)
    log = open(RESULTS / "load-worker.log", "w")  # noqa: SIM115 - kept open for the worker's life
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "forim_portal", "worker", "-c", "2", "--loglevel=warning",
         "--without-heartbeat", "--without-gossip", "--without-mingle", "-n", "bench-load@%h"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    time.sleep(8)  # the worker connects to the broker; tasks queued before simply wait for it
    return process


def drain_and_stop(process, since, timeout=300):
    """Let the worker finish the receipts and e-mails queued during the run, then stop it."""
    from outbox.models import EntryStatus, OutboxEntry

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and OutboxEntry.objects.filter(created_at__gte=since).exclude(status=EntryStatus.DONE).exists():
        time.sleep(2)
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", "postgres://forim_bench:forim_bench@127.0.0.1:5432/forim_bench"))
    parser.add_argument("--users", type=int, default=20, help="associations submitting at once (max 200)")
    parser.add_argument("--staff", type=int, default=3, help="FORIM staff browsing at once (max 5)")
    parser.add_argument("--duration", type=int, default=60, help="seconds (max 600)")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8799)
    parser.add_argument("--broker", default="", help="a Redis URL: a Celery worker runs the receipts and e-mails, as in production")
    parser.add_argument("--think", type=float, default=0.0, help="seconds each association waits between two requests (0: none)")
    parser.add_argument("--staff-think", type=float, default=0.0, help="seconds each staff member waits between two pages (0: none)")
    parser.add_argument("--ramp", type=float, default=0.0, help="associations arrive evenly over these first seconds (0: all at once)")
    parser.add_argument("--redis-url", default="", help="cache and sessions in Redis, as in production (else the database cache)")
    parser.add_argument("--signed-in", action="store_true",
                        help="associations sign in before the hour, two at a time (their sign-ins are reported apart, as 'connexion-avant')")
    args = parser.parse_args()
    users, duration, staff_count = min(args.users, 200), min(args.duration, 600), min(args.staff, 5)

    if args.redis_url:
        os.environ["REDIS_URL"] = args.redis_url  # read by the settings, here, in gunicorn and in the worker
    django_setup(args.database_url)
    open_deadline_hour()
    pairs, dossiers, staff = pick_actors(users)
    if not pairs or not dossiers:
        raise SystemExit("Pas de données de charge : lancez d'abord manage.py generate_scale_data.")
    queries = query_counts(pairs, dossiers, staff)
    draft_pks = [pk for _, pk in pairs]
    before = count_submissions(draft_pks)

    worker = start_worker(args.broker, args.database_url) if args.broker else None
    run_started_at = time_now()
    server = start_gunicorn(args.port, args.workers, args.database_url, extra_env={"CELERY_BROKER_URL": args.broker} if args.broker else None)
    record, stop, submitted = Recorder(), threading.Event(), []
    sessions = sign_in_before(args.port, record, [email for email, _ in pairs]) if args.signed_in else {}
    threads = [threading.Thread(target=association_deadline,
                                args=(args.port, record, email, pk, stop, submitted, args.think, args.ramp * n / max(len(pairs), 1),
                                      sessions.get(email)))
               for n, (email, pk) in enumerate(pairs)]
    threads += [threading.Thread(target=staff_day, args=(args.port, record, verified_session(email), dossiers, stop, args.staff_think))
                for email in staff[:staff_count]]
    threads.append(threading.Thread(target=floor, args=(args.port, record, stop)))
    started = time.perf_counter()
    try:
        for thread in threads:
            thread.start()
        time.sleep(duration)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        server.terminate()
        server.wait(timeout=30)
    elapsed = time.perf_counter() - started
    if worker:
        drain_and_stop(worker, since=run_started_at)
    after = count_submissions(draft_pks)

    report = {"users": len(pairs), "staff": staff_count, "duration_s": round(elapsed, 1), "workers": args.workers,
              "celery_worker": bool(worker), "think_s": args.think, "staff_think_s": args.staff_think, "ramp_s": args.ramp, "pages": {},
              "submissions": {"attempted_first_clicks": len(submitted), "accepted": sum(1 for _, s in submitted if s == 302),
                              "before": before, "after": after}}
    for page, times in sorted(record.times.items()):
        ms = [t * 1000 for t in times]
        report["pages"][page] = {
            "requests": len(ms), "rps": round(len(ms) / elapsed, 1), "p50_ms": round(percentile(ms, 50), 1),
            "p95_ms": round(percentile(ms, 95), 1), "p99_ms": round(percentile(ms, 99), 1), "errors": record.errors[page],
            "server_p50_ms": round(percentile(record.server_ms[page], 50), 1) if record.server_ms[page] else None,
            "server_p95_ms": round(percentile(record.server_ms[page], 95), 1) if record.server_ms[page] else None,
            "queries": queries.get(page, {}).get("queries"),
        }
    lost = report["submissions"]["accepted"] - (after["submitted"] - before["submitted"])
    report["submissions"]["lost"] = lost
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"load-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False))

    print(f"{'page':22} {'req':>6} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'srv p50':>8} {'srv p95':>8} {'err':>4} {'SQL':>4}")
    for page, row in report["pages"].items():
        print(f"{page:22} {row['requests']:6} {row['rps']:7} {row['p50_ms']:8} {row['p95_ms']:8} {row['p99_ms']:8} "
              f"{row['server_p50_ms']!s:>8} {row['server_p95_ms']!s:>8} {row['errors']:4} {row['queries']!s:>4}")
    s = report["submissions"]
    print(f"Dépôts : {s['accepted']} acceptés, {after['submitted'] - before['submitted']} en base, perdus {lost}, "
          f"doublés {after['doubled']}, références distinctes {after['distinct_references']}. Résultats : {out}")
    return 1 if lost or after["doubled"] else 0


if __name__ == "__main__":
    sys.exit(main())
