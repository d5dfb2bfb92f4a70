"""Page benchmark at 1,000 / 10,000 / 100,000 dossiers: each list and dossier page against the floor.

    .venv/bin/python bench/pages.py --database-url postgres://forim_bench:forim_bench@127.0.0.1:5432/forim_bench \
        --sizes 1000,10000,100000 --seconds 10 --concurrency 4

For each size: builds the dataset with `manage.py generate_scale_data --reset` (as many associations as
dossiers, three reviews per dossier, 200 events), runs VACUUM ANALYZE, reads each page once
in-process under CaptureQueriesContext (query count, slowest query and its EXPLAIN ANALYZE plan), then
starts gunicorn with bench/settings.py (2 sync workers) and measures each page, one after another, for
--seconds with --concurrency connections: req/s, p50, p99 and the p50's ratio to the floor (a bare
Django view). Then the curve 1k → 10k → 100k side by side. Results in bench/results/ (JSON + Markdown).
Loopback only. Not a test: figures depend on the machine (and on what else uses its CPUs).
"""

import argparse
import http.client
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.parse
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.load import percentile, start_gunicorn  # noqa: E402 - after the path, as a script

RESULTS = ROOT / "bench" / "results"
DEFAULT_URL = "postgres://forim_bench:forim_bench@127.0.0.1:5432/forim_bench"
TARGET_P50_MS = 25  # issue 15: every list page and API list, and the dossier pages, at 10,000 dossiers
DASHBOARD_P50_MS = 30
# Sessions, the cache (throttles), second-factor devices, login attempts: not the page's own queries.
SERVER_TIMING = re.compile(r"app;dur=([0-9.]+)")
PLUMBING = re.compile(r'FROM "(?:django_session|cache_table|otp_|axes_)')


# --- the dataset -------------------------------------------------------------------------------------


def size_url(database_url, size):
    """One database per size (`forim_bench_10000`): a smaller size never has to delete a larger dataset."""
    parts = urllib.parse.urlsplit(database_url)
    return parts._replace(path=f"{parts.path.rstrip('/')}_{size}").geturl()


def use_database(database_url):
    """Point this process's Django connection at another database of the same server."""
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = urllib.parse.urlsplit(database_url).path.lstrip("/")


def prepare(size, args):
    """The size's database: created and migrated (unless --reuse finds it with this many dossiers), then
    filled by `generate_scale_data` (bulk inserts), vacuumed and ANALYZEd. Returns its URL and what was done."""
    from django.db import connection

    url = size_url(args.database_url, size)
    name = urllib.parse.urlsplit(url).path.lstrip("/")
    if not re.fullmatch(r"[A-Za-z0-9_]+", name):
        raise SystemExit(f"Nom de base inattendu : {name}")
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "bench.settings"}

    def migrate():
        for command in (["migrate", "--verbosity", "0"], ["createcachetable"]):
            subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)

    if args.reuse and database_size(url, name) == size:
        try:
            migrate()  # a dataset kept from an older tree gets this tree's columns and indexes
        except subprocess.CalledProcessError:
            print(f"   {name}: migrations of another tree, rebuilt", flush=True)
        else:
            use_database(url)
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")  # autocommit; a migration may have rewritten rows
            return url, {"generated": False, "seconds": 0}
    use_database(args.database_url)
    with connection.cursor() as cursor:  # Django's autocommit: CREATE DATABASE runs outside a transaction
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    started = time.perf_counter()
    migrate()
    migrated = time.perf_counter()
    command = [
        "generate_scale_data",
        "--associations",
        str(size),
        "--applications",
        str(size),
        "--reviews",
        str(3 * size),
    ]  # events: the command's 200, at every size
    subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    generated = time.perf_counter()
    use_database(url)
    with connection.cursor() as cursor:
        # the planner's statistics and the visibility map (index-only scans), as autovacuum leaves them after a bulk load
        cursor.execute("VACUUM ANALYZE")
    return url, {
        "generated": True,
        "migrate_seconds": round(migrated - started, 1),
        "seconds": round(generated - migrated, 1),
    }


def database_size(url, name):
    """How many scale dossiers that database holds (None if it does not exist)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            return None
    from django.db import DatabaseError

    use_database(url)
    try:
        return current_size()
    except DatabaseError:  # an empty or half-built database: rebuilt
        return None


def current_size():
    from accounts.management.commands.generate_scale_data import PROGRAMME_CODE
    from grants.models import Application

    return Application.objects.filter(call__programme__code=PROGRAMME_CODE).count()


# --- who asks, and the pages ------------------------------------------------------------------------------


def sessions():
    """Session cookies for a FORIM staff member (second factor given) and an association with dossiers."""
    from django.db.models import Count
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.management.commands.generate_scale_data import EMAIL_DOMAIN, PROGRAMME_CODE
    from accounts.models import User
    from grants.models import Application
    from grants.states import State
    from members.models import Membership

    staff = User.objects.get(email=f"equipe1@{EMAIL_DOMAIN}")
    device = TOTPDevice.objects.filter(user=staff, confirmed=True).first()
    device = device or TOTPDevice.objects.create(user=staff, name="Banc de charge", confirmed=True)
    # The association with the most submitted dossiers (its list is the longest).
    organisation_id = (
        Application.objects.filter(call__programme__code=PROGRAMME_CODE)
        .exclude(status=State.DRAFT)
        .values("organisation_id")
        .annotate(n=Count("id"))
        .order_by("-n", "organisation_id")[0]["organisation_id"]
    )
    member = (
        Membership.objects.filter(organisation_id=organisation_id, user__email__endswith=EMAIL_DOMAIN)
        .select_related("user")
        .first()
    )
    own_dossier = (
        Application.objects.filter(organisation_id=organisation_id).exclude(status=State.DRAFT).order_by("pk").first()
    )
    staff_dossier = (
        Application.objects.filter(call__programme__code=PROGRAMME_CODE, status=State.UNDER_REVIEW)
        .order_by("pk")
        .first()
    )
    cookies = {}
    for who, user in (("staff", staff), ("association", member.user)):
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user, backend="accounts.backends.ModelBackend")
        if who == "staff":
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        cookies[who] = {name: morsel.value for name, morsel in client.cookies.items()}
    cookies["anonymous"] = {}
    return cookies, own_dossier.pk, staff_dossier.pk


LOWER, AS_HTMX = "staff dossier page, lower sections", " (as htmx asks)"
# Request headers of a page (by name): the parts the dossier page fetches once shown, asked as htmx does.
HEADERS = {f"{LOWER}, {part}{AS_HTMX}": {"HX-Request": "true"} for part in ("avis-evaluation", "echanges-suivi")}


def pages(own_dossier, staff_dossier):
    """(name, who, path): the issue's table, then the other lists (events, follow-up, instruction API)."""
    return [
        ("floor", "anonymous", "/bench/floor/"),
        ("layout floor", "staff", "/bench/layout/"),
        ("staff table", "staff", "/instruction/dossiers/"),
        ("staff table filtered", "staff", "/instruction/dossiers/?status=submitted&sector=water"),
        ("staff dossier page", "staff", f"/instruction/dossiers/{staff_dossier}/"),
        # its lower sections, which the page fetches once shown in two parts (reviews.dossier_panels): each asked
        # as a whole page (layout included, as without JavaScript) and as htmx asks it
        *[
            (f"{LOWER}, {part}{suffix}", "staff", f"/instruction/dossiers/{staff_dossier}/suite/{part}/")
            for part in ("avis-evaluation", "echanges-suivi")
            for suffix in ("", AS_HTMX)
        ],
        ("programme dashboard", "staff", "/tableaux/programme/"),
        ("directory", "staff", "/reseau/"),
        ("directory, one country", "staff", "/reseau/?country=SN"),
        ("association's dossier list", "association", "/subventions/mes-dossiers/"),
        ("association's dossier page", "association", f"/subventions/dossiers/{own_dossier}/"),
        ("public laureates", "anonymous", "/tableaux/laureats/"),
        ("API applications, page of 50", "staff", "/api/v1/applications/?page_size=50"),
        ("API instruction, page of 50", "staff", "/api/v1/instruction/applications/?page_size=50"),
        ("events agenda", "staff", "/evenements/"),
        ("follow-up list", "staff", "/suivi/"),
    ]


# --- in-process: queries and the slowest one's plan ----------------------------------------------------------


def explain_slowest(page_list, cookies):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    found = {}
    for name, who, path in page_list:
        client = Client(HTTP_HOST="127.0.0.1")
        for key, value in cookies[who].items():
            client.cookies[key] = value
        client.get(path, headers=HEADERS.get(name))  # warm: caches, the first connection's settings
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            status = client.get(path, headers=HEADERS.get(name)).status_code
            elapsed = time.perf_counter() - started
        queries = [
            q
            for q in captured.captured_queries
            if q["sql"].lstrip().upper().startswith("SELECT") and not PLUMBING.search(q["sql"])
        ]
        slowest = max(queries, key=lambda q: float(q["time"]), default=None)
        plan = ""
        if slowest:
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {slowest['sql']}")
                plan = "\n".join(row[0] for row in cursor.fetchall())
        found[name] = {
            "status": status,
            "queries": len(captured.captured_queries),
            "in_process_ms": round(elapsed * 1000, 1),
            "slowest_ms": round(float(slowest["time"]) * 1000, 1) if slowest else None,
            "slowest_sql": slowest["sql"] if slowest else "",
            "plan": plan,
            "seq_scans": sorted(
                {line.split(" on ")[1].split()[0] for line in plan.splitlines() if "Seq Scan on " in line}
            ),
        }
    return found


# --- over HTTP: gunicorn, C connections, N seconds per page -----------------------------------------------------


def hammer(port, path, cookies, seconds, concurrency, headers=None):
    """`concurrency` clients asking for `path` back to back for `seconds`: latencies (s) and non-2xx/3xx count."""
    header = {"Host": "127.0.0.1", "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()), **(headers or {})}
    times, server_times, errors, lock = [], [], [0], threading.Lock()
    deadline = time.perf_counter() + seconds

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine, mine_server, bad = [], [], 0
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=header)
                response = connection.getresponse()
                response.read()
                status = response.status
                timing = SERVER_TIMING.search(response.getheader("Server-Timing") or "")
                if timing:
                    mine_server.append(float(timing.group(1)))
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                status = 0
            mine.append(time.perf_counter() - started)
            bad += not 200 <= status < 400
        with lock:
            times.extend(mine)
            server_times.extend(mine_server)
            errors[0] += bad

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {"ms": [t * 1000 for t in times], "server_ms": server_times, "errors": errors[0], "elapsed": elapsed}


def summary(slices):
    """One page's figures from its measured slices (one per round), their latencies pooled."""
    ms = [t for each in slices for t in each["ms"]]
    server_times = [t for each in slices for t in each["server_ms"]]
    return {
        "requests": len(ms),
        "rps": round(len(ms) / sum(each["elapsed"] for each in slices), 1),
        "p50_ms": round(percentile(ms, 50), 1),
        "p99_ms": round(percentile(ms, 99), 1),
        # the worker's own time (bench.timing): what the targets are about, without the queue
        "server_p50_ms": round(percentile(server_times, 50), 1) if server_times else None,
        "server_p99_ms": round(percentile(server_times, 99), 1) if server_times else None,
        "errors": sum(each["errors"] for each in slices),
    }


def run_size(size, args):
    url, dataset = prepare(size, args)
    cookies, own_dossier, staff_dossier = sessions()
    page_list = [page for page in pages(own_dossier, staff_dossier) if not args.pages or page[0] in args.pages or page[0] == "floor"]
    inprocess = explain_slowest(page_list, cookies)
    load = os.getloadavg()
    # 2 sync workers; the throttle still runs, it just never refuses the benchmark
    server = start_gunicorn(args.port, args.workers, url, threads=1, extra_env={"API_USER_RATE": "100000000/hour"})
    slices = {name: [] for name, _who, _path in page_list}
    try:
        for name, who, path in page_list:
            hammer(args.port, path, cookies[who], min(1.0, args.seconds), args.concurrency, HEADERS.get(name))  # warm both workers
        # --rounds N: each page's seconds cut in N slices taken in turn, so a burst of a shared host's noise
        # falls on every page a little rather than on whichever page was being measured
        for _round in range(args.rounds):
            for name, who, path in page_list:
                slices[name].append(
                    hammer(args.port, path, cookies[who], args.seconds / args.rounds, args.concurrency, HEADERS.get(name))
                )
    finally:
        server.terminate()
        server.wait(timeout=30)
    measured = {
        name: {"path": path, **summary(slices[name]), **{k: v for k, v in inprocess[name].items() if k not in {"plan", "slowest_sql"}}}
        for name, _who, path in page_list
    }
    floor = measured["floor"]["p50_ms"] or 0.1
    for row in measured.values():
        row["ratio_to_floor"] = round(row["p50_ms"] / floor, 1)
    plans = {name: {"sql": v["slowest_sql"], "plan": v["plan"]} for name, v in inprocess.items()}
    return {
        "size": size,
        "dataset": dataset,
        "load_average_before": [round(x, 2) for x in load],
        "pages": measured,
        "plans": plans,
    }


# --- the report ---------------------------------------------------------------------------------------------


def target_for(name):
    if name == "floor":
        return None
    return DASHBOARD_P50_MS if "dashboard" in name else TARGET_P50_MS


def size_table(result):
    lines = [
        f"### {result['size']:,} dossiers",
        f"Dataset: {'generated in ' + str(result['dataset']['seconds']) + ' s (after migrate)' if result['dataset']['generated'] else 'reused'}; "
        f"load average before the run: {result['load_average_before']}.",
        "",
        "| page | req/s | p50 ms | p99 ms | × floor | server p50 ms | server p99 ms | in-process ms | SQL | slowest query ms | seq scans | errors |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, row in result["pages"].items():
        lines.append(
            f"| {name} | {row['rps']} | {row['p50_ms']} | {row['p99_ms']} | {row['ratio_to_floor']} | {row['server_p50_ms']} | "
            f"{row['server_p99_ms']} | {row['in_process_ms']} | {row['queries']} | "
            f"{row['slowest_ms']} | {', '.join(row['seq_scans']) or '–'} | {row['errors']} |"
        )
    return "\n".join(lines)


def curve_table(results):
    sizes = [r["size"] for r in results]
    head = (
        "| page | "
        + " | ".join(f"server p50 ms @ {s:,}" for s in sizes)
        + (" | 10k→100k |" if {10000, 100000} <= set(sizes) else " |")
    )
    lines = [head, "|---" * (head.count("|") - 1) + "|"]
    for name in results[0]["pages"]:
        values = [server_p50(r["pages"][name]) for r in results]
        row = f"| {name} | " + " | ".join(str(v) for v in values) + " |"
        if {10000, 100000} <= set(sizes):
            by_size = dict(zip(sizes, values, strict=True))
            row += f" {by_size[100000] / by_size[10000]:.2f}× |"
        lines.append(row)
    return "\n".join(lines)


def server_p50(row):
    """The issue's measure: the worker's own time (the client's p50 adds the queue in front of 2 workers)."""
    return row["server_p50_ms"] if row.get("server_p50_ms") is not None else row["p50_ms"]


def verdicts(results):
    """Pages over the issue's targets (server p50 at 10,000, and at most 1.5× that at 100,000)."""
    by_size = {r["size"]: r["pages"] for r in results}
    misses = []
    for name in results[0]["pages"]:
        target = target_for(name)
        if target is None:
            continue
        if 10000 in by_size and server_p50(by_size[10000][name]) > target:
            misses.append(f"{name}: server p50 {server_p50(by_size[10000][name])} ms at 10,000 (target {target} ms)")
        if {10000, 100000} <= by_size.keys() and server_p50(by_size[100000][name]) > 1.5 * server_p50(by_size[10000][name]):
            misses.append(f"{name}: {server_p50(by_size[100000][name])} ms at 100,000, over 1.5× its 10,000 figure")
    return misses


def markdown(results, args):
    parts = [
        f"# Pages benchmark, {time.strftime('%Y-%m-%d %H:%M')}",
        "",
        f"gunicorn {args.workers} sync workers, {args.concurrency} connections, {args.seconds} s per page"
        f"{f' in {args.rounds} rounds (the pages in turn, latencies pooled)' if args.rounds > 1 else ''}, "
        f"{os.cpu_count()} CPUs shared with whatever else runs on the machine.",
        "",
    ]
    parts += [size_table(r) + "\n" for r in results]
    parts += ["## Curve (server p50 ms)", "", curve_table(results), "", "## Over target", ""]
    parts += [f"- {m}" for m in verdicts(results)] or ["- none"]
    parts += ["", "## Slowest query of each page, with its plan", ""]
    for r in results:
        for name, found in r["plans"].items():
            if found["sql"]:
                parts += [
                    f"### {name} @ {r['size']:,}",
                    "",
                    "```sql",
                    found["sql"],
                    "```",
                    "",
                    "```",
                    found["plan"],
                    "```",
                    "",
                ]
    return "\n".join(parts)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--sizes", default="1000,10000,100000", help="dossiers per run, comma-separated")
    parser.add_argument("--seconds", type=float, default=10, help="per page (max 120)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="measure the pages in turn this many times, each for seconds/rounds, latencies pooled "
                             "(1: one page after the other, as the issue's table)")
    parser.add_argument("--concurrency", type=int, default=4, help="connections at once (max 64)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--port", type=int, default=8798)
    parser.add_argument("--reuse", action="store_true", help="keep the dataset if it already has this many dossiers")
    parser.add_argument("--redis-url", default="", help="cache and sessions in Redis, as in production (e.g. redis://127.0.0.1:6379/5)")
    parser.add_argument("--pages", type=lambda names: {n.strip() for n in names.split("|") if n.strip()}, default=set(),
                        help="only these pages (their names, separated by |) beside the floor; all by default")
    args = parser.parse_args()
    if args.redis_url:
        os.environ["REDIS_URL"] = args.redis_url  # read by the settings, here and in gunicorn
    args.seconds, args.concurrency, args.rounds = min(args.seconds, 120), min(args.concurrency, 64), max(1, args.rounds)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    if not args.database_url.startswith("postgres"):
        raise SystemExit("Ce banc mesure PostgreSQL : donnez --database-url postgres://…")

    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: no collectstatic for a benchmark
    import django

    django.setup()
    from django.db import connection

    results = []
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for size in sizes:
        print(f"== {size:,} dossiers", flush=True)
        result = run_size(size, args)
        connection.close()
        results.append(result)
        print(size_table(result), "\n", flush=True)
        (RESULTS / f"pages-{stamp}.json").write_text(
            json.dumps(
                {
                    "workers": args.workers,
                    "concurrency": args.concurrency,
                    "seconds": args.seconds,
                    "rounds": args.rounds,
                    "cpus": os.cpu_count(),
                    "results": results,
                },
                indent=2,
                ensure_ascii=False,
            )
        )
    report = markdown(results, args)
    (RESULTS / f"pages-{stamp}.md").write_text(report)
    print("## Curve (server p50 ms)\n" + curve_table(results))
    misses = verdicts(results)
    print("\nOver target:\n" + ("\n".join(f"- {m}" for m in misses) or "- none"))
    for name, found in results[-1]["plans"].items():
        if found["plan"]:
            print(f"\n-- {name} @ {results[-1]['size']:,}: slowest query's plan\n{found['plan']}")
    print(f"\nRésultats : {RESULTS / f'pages-{stamp}.md'} (et .json)")


if __name__ == "__main__":
    main()
