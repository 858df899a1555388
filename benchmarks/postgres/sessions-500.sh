#!/usr/bin/env bash
# One cycle of detectors-postgres' activity detectors with 500 sessions connected, side by side with
# prometheus-postgres-exporter (Debian package) scraping the same server. A measurement, not a test.
#
# Load (LOAD=incident, the default): pgbench holds SESSIONS connections, each looping: BEGIN; a 0.2-0.5 s query; an UPDATE of one of 100
# rows; 200 ms idle inside the transaction; COMMIT; 1 s idle. So at any moment there are active sessions,
# sessions idle and idle in transaction, and queues of row-lock waiters: the detectors do their full work.
# LOAD=idle: each session runs SELECT 1 every 5 s, so almost all of them sit idle (a big pool on a quiet day).
#
# Needs: pgbench, prometheus-postgres-exporter, curl, java 17, and the build (run from the repository root after
#   mvn -B -q -pl detectors-postgres -am package -DskipTests dependency:build-classpath -Dmdep.outputFile=/tmp/tt-pg-cp.txt
# ). Leaves nothing running and drops its database.
set -euo pipefail

HOST=${PGHOST:-127.0.0.1}
PORT=${PGPORT:-5432}
USER_NAME=${PGUSER:-postgres}
DB=telltale_bench_activity
SESSIONS=${SESSIONS:-500}
CYCLES=${CYCLES:-20}
SCRAPES=${SCRAPES:-20}
EXPORTER_PORT=${EXPORTER_PORT:-19187}
CP=${CP:-$(cat /tmp/tt-pg-cp.txt):detectors-postgres/target/classes}
HERE=$(cd "$(dirname "$0")" && pwd)
PSQL=(psql -X -q -h "$HOST" -p "$PORT" -U "$USER_NAME" -At)

work=$(mktemp -d)
bg=()
cleanup() {
  for p in "${bg[@]}"; do
    kill "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  "${PSQL[@]}" -d postgres -c "select pg_terminate_backend(pid) from pg_stat_activity where datname = '$DB'" >/dev/null 2>&1 || true
  "${PSQL[@]}" -d postgres -c "drop database if exists $DB" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

max=$("${PSQL[@]}" -d postgres -c "show max_connections")
used=$("${PSQL[@]}" -d postgres -c "select count(*) from pg_stat_activity where backend_type = 'client backend'")
if ((max - used < SESSIONS + 20)); then
  echo "only $((max - used)) free connections of $max; need $((SESSIONS + 20))" >&2
  exit 1
fi

"${PSQL[@]}" -d postgres -c "drop database if exists $DB" -c "create database $DB"
"${PSQL[@]}" -d "$DB" -c "create table hot(id int primary key, n bigint not null default 0)" \
  -c "insert into hot(id) select generate_series(1, 100)"
if [[ ${LOAD:-incident} == idle ]]; then
  # a big, mostly idle pool: the everyday shape
  cat > "$work/mix.sql" <<'SQL'
SELECT 1;
\sleep 5 s
SQL
else
  cat > "$work/mix.sql" <<'SQL'
\set r random(1, 100)
BEGIN;
SELECT pg_sleep(0.2 + random() * 0.3);
UPDATE hot SET n = n + 1 WHERE id = :r;
\sleep 200 ms
COMMIT;
\sleep 1000 ms
SQL
fi
pgbench -n -h "$HOST" -p "$PORT" -U "$USER_NAME" -c "$SESSIONS" -j 4 -T 600 -f "$work/mix.sql" "$DB" >"$work/pgbench.log" 2>&1 &
bg+=($!)
for _ in $(seq 1 300); do
  n=$("${PSQL[@]}" -d postgres -c "select count(*) from pg_stat_activity where datname = '$DB' and application_name = 'pgbench'")
  ((n >= SESSIONS)) && break
  sleep 0.2
done
echo "== $n pgbench sessions connected; states now:"
"${PSQL[@]}" -d postgres -c "select coalesce(state, '?') || ': ' || count(*) from pg_stat_activity where datname = '$DB' group by state order by 1"
"${PSQL[@]}" -d postgres -c "select 'waiting on locks: ' || count(*) from pg_stat_activity where wait_event_type = 'Lock'"
echo

echo "== telltale: $CYCLES cycles of PostgresDetectors.forTarget (run one after another on one connection)"
java -cp "$CP" "$HERE/ActivityCycle.java" "jdbc:postgresql://$HOST:$PORT/$DB?user=$USER_NAME" "$CYCLES" 2>&1 | grep -v " DEBUG "
echo

scrape() {
  local label=$1
  shift
  DATA_SOURCE_NAME="postgresql://$USER_NAME@$HOST:$PORT/$DB?sslmode=disable" \
    prometheus-postgres-exporter --web.listen-address="127.0.0.1:$EXPORTER_PORT" --log.level=error "$@" &
  local pid=$!
  bg+=("$pid")
  for _ in $(seq 1 100); do
    curl -fs -o /dev/null "http://127.0.0.1:$EXPORTER_PORT/" && break
    sleep 0.1
  done
  curl -fs -o /dev/null "http://127.0.0.1:$EXPORTER_PORT/metrics" # warm-up: opens its connection
  local times=()
  for _ in $(seq 1 "$SCRAPES"); do
    times+=("$(curl -fs -o "$work/metrics.txt" -w '%{time_total}' "http://127.0.0.1:$EXPORTER_PORT/metrics")")
  done
  local series
  series=$(grep -vc '^#' "$work/metrics.txt")
  local pg_series
  pg_series=$(grep -v '^#' "$work/metrics.txt" | grep -c '^pg_' || true)
  printf '%s\n' "${times[@]}" | sort -n | awk -v label="$label" -v series="$series" -v pg="$pg_series" '
    { t[NR] = $1 * 1000 } END { printf "%-44s median %7.1f ms  max %7.1f ms  %5d series (%d pg_*)\n", label, t[int((NR + 1) / 2)], t[NR], series, pg }'
  kill "$pid"
  wait "$pid" 2>/dev/null || true
}

echo "== prometheus-postgres-exporter $(prometheus-postgres-exporter --version 2>&1 | head -1 | awk '{print $3}'), $SCRAPES scrapes each"
scrape "matching collectors (activity, locks, database)" --disable-default-metrics --disable-settings-metrics \
  --no-collector.database --no-collector.bgwriter --extend.query-path="$HERE/exporter-activity-queries.yaml"
scrape "defaults (every built-in collector)"

echo
echo "== rows the exporter's matching queries return (run once with psql)"
rows=0
while IFS= read -r q; do
  n=$("${PSQL[@]}" -d "$DB" -c "select count(*) from ($q) x")
  rows=$((rows + n))
done < <(python3 - "$HERE/exporter-activity-queries.yaml" <<'PY'
import sys, re
text = open(sys.argv[1]).read()
for block in re.findall(r'query: (?:\|\n((?:    .*\n)+)|"([^"]*)")', text):
    q = (block[0] or block[1]).strip().replace('\n', ' ')
    print(q)
PY
)
echo "rows per scrape: $rows"
echo
tail -3 "$work/pgbench.log" || true
