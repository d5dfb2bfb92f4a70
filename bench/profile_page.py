"""Where one page's time goes: cProfile of N in-process requests against a benchmark database.

    .venv/bin/python bench/profile_page.py --size 10000 "staff table" [--requests 20] [--top 40]

Uses the database `bench/pages.py` built for that size (run it once first, `--reuse` keeps it), the same
sessions and the same page list. Prints the mean time per request, the query count and the functions
with the most cumulative time (own code first is usually where to look). Not a test.
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page", help="a page name of bench/pages.py, e.g. 'staff table'")
    parser.add_argument("--database-url", default="postgres://forim_bench:forim_bench@127.0.0.1:5432/forim_bench")
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="cumulative", choices=["cumulative", "tottime"])
    parser.add_argument("--tree", action="store_true", help="a call tree with pyinstrument (pip install pyinstrument)")
    parser.add_argument("--redis-url", default="", help="cache and sessions in Redis, as in production")
    args = parser.parse_args()
    if args.redis_url:
        os.environ["REDIS_URL"] = args.redis_url

    from bench.pages import size_url

    os.environ["DATABASE_URL"] = size_url(args.database_url, args.size)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    os.environ.setdefault("API_USER_RATE", "100000000/hour")  # as bench/pages.py: the throttle runs, never refuses
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from bench.pages import HEADERS, pages, sessions

    cookies, own, staff = sessions()
    found = {name: (who, path) for name, who, path in pages(own, staff)}
    if args.page not in found:
        raise SystemExit(f"Pages : {', '.join(found)}")
    who, path = found[args.page]
    headers = HEADERS.get(args.page)
    client = Client(HTTP_HOST="127.0.0.1")
    for key, value in cookies[who].items():
        client.cookies[key] = value
    for _ in range(3):
        status = client.get(path, headers=headers).status_code
        if status != 200:
            raise SystemExit(f"{path} answers {status}")
    captured = []

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            captured.append({"sql": sql, "time": time.perf_counter() - started})

    with connection.execute_wrapper(timed):
        client.get(path, headers=headers)
    plain, cpu = [], []
    for _ in range(args.requests):
        started, started_cpu = time.perf_counter(), time.process_time()
        client.get(path, headers=headers)
        plain.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    plain.sort()
    cpu.sort()
    # The process's CPU time leaves out the database's work and, on a shared host, most of the neighbours'
    # noise: the figure to compare two versions of a page by.
    print(f"{args.page} ({path}) at {args.size:,}: median {plain[len(plain) // 2] * 1000:.1f} ms, "
          f"fastest {plain[0] * 1000:.1f} ms over {args.requests} requests, unprofiled; {len(captured)} queries; "
          f"CPU of this process: median {cpu[len(cpu) // 2] * 1000:.1f} ms")
    if args.tree:
        from pyinstrument import Profiler

        tree = Profiler(interval=0.0005)
        tree.start()
        for _ in range(args.requests):
            client.get(path, headers=headers)
        tree.stop()
        print(tree.output_text(show_all=False, color=False, short_mode=False))
        return
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _ in range(args.requests):
        client.get(path, headers=headers)
    profiler.disable()
    elapsed = (time.perf_counter() - started) / args.requests
    print(f"under cProfile: {elapsed * 1000:.1f} ms per request")
    sql_ms = sum(q["time"] for q in captured) * 1000
    print(f"SQL: {sql_ms:.1f} ms in all")
    for q in sorted(captured, key=lambda q: -q["time"])[:8]:
        print(f"  {q['time'] * 1000:6.1f} ms  {q['sql'][:200]}")
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.top)
    print(out.getvalue())


if __name__ == "__main__":
    main()
