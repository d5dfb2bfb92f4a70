#!/usr/bin/env bash
# Fault: the Celery worker is killed (-9) while it renders a call's diplomas (call_diplomas, zip).
# Expected: after a new worker starts, the job finishes: one DocumentJob row, status done, one file
# under MEDIA_ROOT/generated, attempts >= 2. Own database (forim_faults), own Redis on REDIS_PORT,
# own MEDIA_ROOT in a temp dir. Worker in --pool=solo so kill -9 hits the process doing the work. Re-runnable.
set -euo pipefail
cd "$(dirname "$0")/../.."
DB=${FAULTS_DB:-forim_faults}; REDIS_PORT=${REDIS_PORT:-6391}; N=${N:-120}; WAIT=${WAIT:-120}
WORK=$(mktemp -d /tmp/forim-worker-killed.XXXXXX)
export DATABASE_URL=postgres://$DB:$DB@127.0.0.1:5432/$DB CELERY_BROKER_URL=redis://127.0.0.1:$REDIS_PORT/0
export MEDIA_ROOT=$WORK/media DJANGO_SETTINGS_MODULE=forim_portal.settings.base PYTHONPATH=.
psql_admin() { su postgres -c "psql -qtAc \"$1\""; }
stop_worker() { [ -n "${WPID:-}" ] && kill "$1" "$WPID" 2>/dev/null; wait "${WPID:-0}" 2>/dev/null || true; WPID=; }
cleanup() { stop_worker -TERM; redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT
worker() { .venv/bin/celery -A forim_portal worker -P solo -l info --without-gossip --without-mingle >> "$WORK/worker$1.log" 2>&1 & WPID=$!; }
py() { .venv/bin/python manage.py shell -c "$1"; }
pg_ctlcluster 15 main start 2>/dev/null || true
psql_admin "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null
psql_admin "DO \\\$\\\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='$DB') THEN CREATE ROLE $DB LOGIN PASSWORD '$DB' CREATEDB; END IF; END\\\$\\\$" >/dev/null
psql_admin "CREATE DATABASE $DB OWNER $DB" >/dev/null
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --save '' --appendonly no >/dev/null
.venv/bin/python manage.py migrate -v0 && .venv/bin/python manage.py createcachetable
# Demo data in-process (no broker): its agreements are rendered now, not by the worker under test.
CELERY_BROKER_URL= .venv/bin/python manage.py load_demo >/dev/null
before=$(find "$MEDIA_ROOT/generated" -type f 2>/dev/null | wc -l)
JOB=$(py "
from decimal import Decimal
from django.utils import timezone
from accounts.models import Role, User
from documents.services import request_document
from grants.models import Application, Call, Programme
from grants.states import State
from members.models import Organisation, OrganisationKind, OrganisationStatus
staff = User.objects.create(email='panne-worker@example.org', role=Role.STAFF)
programme = Programme.objects.create(code='FLW', name='Panne worker')
call = Call.objects.create(programme=programme, year=2026, title='Appel panne worker', opens_at=timezone.now() - timezone.timedelta(days=90),
                           deadline=timezone.now() - timezone.timedelta(days=30), tranche_split=[70, 30])
for n in range($N):
    org = Organisation.objects.create(kind=OrganisationKind.OSIM, name=f'Association panne n°{n + 1}', acronym=f'AP{n + 1}', status=OrganisationStatus.VALIDATED)
    Application.objects.create(call=call, organisation=org, status=State.AWARDED, reference=f'FLW-2026-{n + 1:04d}', title=f'Projet n°{n + 1}',
                               country='MA', locality='Tafraout', awarded_amount=Decimal('15000.00'))
print(request_document(kind='call_diplomas', target=call, user=staff, variant='zip').pk)
" | tail -n 1)
status() { PGPASSWORD=$DB psql -h 127.0.0.1 -U "$DB" -d "$DB" -tAF' ' -c "SELECT status, attempts, progress_done, progress_total FROM documents_documentjob WHERE id=$JOB"; }
echo "Job $JOB ($N diplômes, zip) en file ; worker 1 lancé"
worker 1
killed=0
for _ in $(seq 1 $((WAIT * 5))); do
  s=$(status); case "$s" in running*) sleep 2; echo "en cours : $(status) ; kill -9 du worker"; kill -9 "$WPID"; killed_at=$(date +%s); wait "$WPID" 2>/dev/null || true; WPID=; killed=1; break;; done*|failed*) break;; esac; sleep 0.2
done
[ "$killed" -eq 1 ] || { echo "ÉCHEC : le job n'a jamais été vu en cours ($(status))."; exit 1; }
echo "Après le kill : $(status) ; worker 2 lancé"
worker 2
for _ in $(seq 1 "$WAIT"); do case "$(status)" in done*|failed*) break;; esac; sleep 1; done
final=$(status); echo "Fin ${SECONDS}s après le début, $(( $(date +%s) - killed_at ))s après le kill"; files=$(( $(find "$MEDIA_ROOT/generated" -type f 2>/dev/null | wc -l) - before ))
rows=$(py "from documents.models import DocumentJob as J; j = J.objects.get(pk=$JOB); print(J.objects.filter(kind=j.kind, target_type=j.target_type, target_id=j.target_id, variant=j.variant).count())" | tail -n 1)
echo "Final : statut/attempts/progress = $final ; lignes DocumentJob = $rows ; fichiers ajoutés sous generated/ = $files"
grep -E "generate_document|WorkerLost|Restor|ERROR" "$WORK"/worker2.log | head -n 5 || true
set -- $final
if [ "$1" = done ] && [ "$rows" -eq 1 ] && [ "$files" -eq 1 ] && [ "$2" -ge 2 ]; then echo "OK : job repris après le kill, terminé, un seul fichier, attempts=$2."
else echo "ÉCHEC : après kill -9 et redémarrage, le job n'est pas terminé dans ${WAIT}s (statut $1, attempts $2, $files fichier(s)) ; acks_late garde le message non acquitté dans Redis jusqu'au visibility_timeout (900 s) : relancer avec WAIT=1000."; exit 1; fi
