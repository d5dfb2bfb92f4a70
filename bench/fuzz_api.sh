#!/usr/bin/env bash
# Fuzz the REST API from its own OpenAPI schema with schemathesis: any 5xx is a failure.
#
#   bench/fuzz_api.sh                  # every endpoint, 25 examples each
#   MAX_EXAMPLES=100 bench/fuzz_api.sh # harder
#   FUZZ_ARGS="--include-path-regex /api/v1/calls/" bench/fuzz_api.sh
#   PHASES=examples,coverage,fuzzing,stateful bench/fuzz_api.sh   # exhaustive, much slower
#   FUZZ_USER=association@example.org bench/fuzz_api.sh             # as a demo user of another role
#
# It starts the portal on its own port and its own SQLite file (never your database), loads
# the demo data, gives a user (FUZZ_USER, default a staff account) a personal API token, and
# runs schemathesis (pinned in requirements.txt) as that user. tests/api/test_schemathesis.py is the bounded CI run.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PY:-.venv/bin/python}
PORT=${FUZZ_PORT:-8765}
MAX_EXAMPLES=${MAX_EXAMPLES:-25}
# The coverage phase tries every boundary of every field: thorough but it takes hours on the
# whole API, so the default run is random generation (fuzzing) plus the schema's examples.
PHASES=${PHASES:-examples,fuzzing}
WORKDIR=$(mktemp -d /tmp/forim-fuzz.XXXXXX)
export DATABASE_URL="sqlite:///$WORKDIR/fuzz.sqlite3"
export DJANGO_SETTINGS_MODULE=forim_portal.settings.base
export DEBUG=${DEBUG:-1} API_USER_RATE=1000000/hour SECURE_SSL_REDIRECT=0
export MEDIA_ROOT="$WORKDIR/media"

"$PY" manage.py migrate --noinput -v0
"$PY" manage.py createcachetable
"$PY" manage.py load_demo >/dev/null 2>&1 || echo "load_demo failed: fuzzing an almost empty database" >&2

TOKEN=$(FUZZ_USER=${FUZZ_USER:-fuzz@example.org} "$PY" manage.py shell -c '
import os
from accounts.models import Role, User
from accounts.tokens import create_token
user, _ = User.objects.get_or_create(email=os.environ["FUZZ_USER"], defaults={"role": Role.STAFF})
token, key = create_token(user=user, name="schemathesis " + str(user.api_tokens.count()))
token.second_factor_ok = True  # as if made after the second factor, which staff need
token.save(update_fields=["second_factor_ok"])
print(key)
' | tail -1)

"$PY" manage.py runserver "127.0.0.1:$PORT" --noreload >"$WORKDIR/server.log" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do
  curl -fs "http://127.0.0.1:$PORT/api/schema/" -o /dev/null && break
  sleep 0.3
done

echo "Server log: $WORKDIR/server.log"
status=0
"$(dirname "$PY")/schemathesis" run "http://127.0.0.1:$PORT/api/schema/" \
  --header "Authorization: Bearer $TOKEN" \
  --checks not_a_server_error \
  --max-examples "$MAX_EXAMPLES" \
  --phases "$PHASES" \
  --report-junit-path "$WORKDIR/junit.xml" \
  ${FUZZ_ARGS:-} || status=$?
grep -n "Internal Server Error\|Traceback" "$WORKDIR/server.log" | head -50 || true
exit $status
