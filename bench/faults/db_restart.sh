#!/usr/bin/env bash
# Fault: the database goes away during load, then comes back.
# Only the benchmark database is cut (its connections killed, new ones refused for OUTAGE seconds),
# so other databases of the cluster are untouched. Requests must fail cleanly (5xx, no hang),
# then succeed again once the database is back. Re-runnable.
#   bench/faults/db_restart.sh            # DATABASE_URL defaults to the benchmark database
set -euo pipefail
cd "$(dirname "$0")/../.."
DB=${BENCH_DB:-forim_bench}
export DATABASE_URL=${DATABASE_URL:-postgres://forim_bench:forim_bench@127.0.0.1:5432/$DB}
PORT=${PORT:-8798}; OUTAGE=${OUTAGE:-8}; DURATION=${DURATION:-30}
psql_admin() { su postgres -c "psql -qtAc \"$1\"" >/dev/null; }
trap 'psql_admin "ALTER DATABASE $DB ALLOW_CONNECTIONS true"; [ -n "${GPID:-}" ] && kill "$GPID" 2>/dev/null || true' EXIT

DJANGO_SETTINGS_MODULE=bench.settings PYTHONPATH=. DB_CONN_MAX_AGE=60 .venv/bin/gunicorn forim_portal.wsgi:application \
  --bind 127.0.0.1:$PORT --workers 2 --log-level warning --timeout 20 & GPID=$!
for _ in $(seq 1 40); do curl -fs -o /dev/null http://127.0.0.1:$PORT/bench/floor/ && break; sleep 0.5; done

log=$(mktemp)
( end=$((SECONDS + DURATION)); while [ $SECONDS -lt $end ]; do
    code=$(curl -s -o /dev/null -m 10 -w '%{http_code}' http://127.0.0.1:$PORT/healthz || echo 000)
    echo "$SECONDS $code" >> "$log"; sleep 0.2; done ) & LOAD=$!
sleep 5
echo "Coupure de la base $DB pendant ${OUTAGE}s"
psql_admin "ALTER DATABASE $DB ALLOW_CONNECTIONS false"
psql_admin "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname='$DB' AND pid <> pg_backend_pid()"
sleep "$OUTAGE"
psql_admin "ALTER DATABASE $DB ALLOW_CONNECTIONS true"
echo "Base rétablie"
wait $LOAD
ok=$(awk '$2==200' "$log" | wc -l); failed=$(awk '$2!=200' "$log" | wc -l); hung=$(awk '$2=="000"' "$log" | wc -l)
last=$(tail -n 5 "$log" | awk '$2!=200' | wc -l)
echo "Requêtes : $ok réussies, $failed en échec (dont $hung sans réponse) ; codes : $(awk '{print $2}' "$log" | sort | uniq -c | tr '\n' ' ')"
rm -f "$log"
[ "$last" -eq 0 ] && [ "$hung" -eq 0 ] && echo "OK : échecs propres pendant la coupure, puis rétablissement." || { echo "ÉCHEC : le portail ne se rétablit pas proprement."; exit 1; }
