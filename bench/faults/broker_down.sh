#!/usr/bin/env bash
# Fault: the broker (Redis) is down while a dossier is submitted.
# Expected: the submission commits (status submitted, reference set) even though queuing the e-mail
# task fails; its e-mail waits in the outbox (outbox.OutboxEntry). Once Redis is back, a worker with
# beat runs the outbox sweep (every minute) and the e-mail with the PDF receipt goes out, once.
# Own database (forim_faults), own Redis on REDIS_PORT, own MEDIA_ROOT in a temp dir. Re-runnable.
set -euo pipefail
cd "$(dirname "$0")/../.."
DB=${FAULTS_DB:-forim_faults}; REDIS_PORT=${REDIS_PORT:-6391}; WAIT=${WAIT:-180}
WORK=$(mktemp -d /tmp/forim-broker-down.XXXXXX)
export DATABASE_URL=postgres://$DB:$DB@127.0.0.1:5432/$DB CELERY_BROKER_URL=redis://127.0.0.1:$REDIS_PORT/0
export MEDIA_ROOT=$WORK/media DJANGO_SETTINGS_MODULE=forim_portal.settings.base PYTHONPATH=.
export EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend
psql_admin() { su postgres -c "psql -qtAc \"$1\""; }
cleanup() {
  [ -n "${WPID:-}" ] && kill "$WPID" 2>/dev/null && sleep 1; redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
pg_ctlcluster 15 main start 2>/dev/null || true
psql_admin "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null
psql_admin "DO \\\$\\\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='$DB') THEN CREATE ROLE $DB LOGIN PASSWORD '$DB' CREATEDB; END IF; END\\\$\\\$" >/dev/null
psql_admin "CREATE DATABASE $DB OWNER $DB" >/dev/null
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --save '' --appendonly no >/dev/null
.venv/bin/python manage.py migrate -v0 && .venv/bin/python manage.py createcachetable && .venv/bin/python manage.py load_demo >/dev/null
redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
echo "Redis arrêté ; dépôt d'un dossier"
set +e
.venv/bin/python manage.py shell -c '
import datetime, sys, traceback
from decimal import Decimal
from django.utils import timezone
from grants.models import Application, BudgetLine
from grants.services import submit_application
from tests.factories import ApplicationFactory, CallFactory, MembershipFactory, OrganisationFactory, ProgrammeFactory
call = CallFactory(programme=ProgrammeFactory(code="FLT"), year=2027, title="Appel panne")
org = OrganisationFactory(name="Association panne broker", acronym="APB")
user = MembershipFactory(organisation=org, role="admin", user__email="panne@example.org").user
app = ApplicationFactory(call=call, organisation=org, created_by=user, title="Adduction d eau potable", country="MA", sector="water",
    duration_months=12, start_date=datetime.date(2027, 3, 1), amount_requested=Decimal("14000.00"), own_funds=Decimal("4000.00"), in_kind=Decimal("2000.00"))
BudgetLine.objects.create(application=app, category="investment", label="Forage", quantity=1, unit_cost=Decimal("18000.00"), amount=Decimal("18000.00"))
BudgetLine.objects.create(application=app, category="in_kind", label="Main-d oeuvre", quantity=1, unit_cost=Decimal("2000.00"), amount=Decimal("2000.00"))
try:
    submit_application(application=app, by=user)
    print("submit: returned normally")
except Exception:
    print("submit: RAISED"); traceback.print_exc()
app = Application.objects.get(pk=app.pk)
print(f"APP {app.pk} status={app.status} reference={app.reference!r}")
' > "$WORK/submit.log" 2>&1
set -e
cat "$WORK/submit.log" | tail -n 30
app_line=$(grep '^APP ' "$WORK/submit.log" || true)
if ! echo "$app_line" | grep -q "status=submitted" || echo "$app_line" | grep -q "reference=''"; then
  echo "ÉCHEC : avec le broker arrêté, le dépôt n'est pas enregistré ($app_line)."; exit 1
fi
grep -q "RAISED" "$WORK/submit.log" && echo "NOTE : le dépôt est enregistré mais la page aurait reçu une exception (voir ci-dessus)."
echo "Redis redémarré, worker + beat lancés"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --save '' --appendonly no >/dev/null
.venv/bin/celery -A forim_portal worker -B -s "$WORK/beat-schedule" -l info -c 1 --without-gossip --without-mingle > "$WORK/worker.log" 2>&1 & WPID=$!
entry() { PGPASSWORD=$DB psql -h 127.0.0.1 -U "$DB" -d "$DB" -tAF' ' -c "SELECT attempts, dispatched_at IS NOT NULL, done_at IS NOT NULL FROM outbox_outboxentry WHERE task_name='grants.tasks.send_transition_emails' AND args->>0 = (SELECT id::text FROM grants_transition WHERE application_id=$APP_ID ORDER BY id DESC LIMIT 1)"; }
APP_ID=$(echo "$app_line" | cut -d" " -f2)
echo "Boîte d'envoi pendant la panne (envois, accepté, exécuté) : $(entry)"
ran=0
for _ in $(seq 1 "$WAIT"); do [ "$(entry | cut -d' ' -f3)" = t ] && { ran=1; break; }; sleep 1; done
sleep 1
echo "Boîte d'envoi après retour du broker (envois, accepté, exécuté) : $(entry)"
grep -E "redispatch_outbox|deliver_outbox_entry|ERROR" "$WORK/worker.log" | head -n 10 || true
mails=$(grep -c "^To: panne@example.org" "$WORK/worker.log" || true)
receipts=$(grep -c 'filename="accuse-de-depot-FLT-2027-0001.pdf"' "$WORK/worker.log" || true)
echo "E-mails à l'association écrits par le worker : $mails, dont avec accusé PDF : $receipts"
if [ "$ran" -eq 1 ] && [ "$mails" -eq 1 ] && [ "$receipts" -eq 1 ]; then echo "OK : dépôt enregistré pendant la panne ; l'e-mail et son accusé sont partis une fois au retour du broker."
else echo "ÉCHEC : l'e-mail mis en boîte d'envoi pendant la panne n'est pas parti une fois en ${WAIT}s après le retour du broker."; exit 1; fi
