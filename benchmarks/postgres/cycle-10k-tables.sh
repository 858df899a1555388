#!/usr/bin/env bash
# One full cycle of every Telltale PostgreSQL server detector against a database with 10,000 tables,
# 20,000 indexes and 5,000 statements in pg_stat_statements, next to one postgres_exporter scrape of the
# same database. Everything runs on a PRIVATE server (initdb on a free loopback port, data under /tmp),
# never on a shared one; the server and the exporter are stopped and the data deleted at the end.
#
#   benchmarks/postgres/cycle-10k-tables.sh            (from the repository root; needs PostgreSQL 15 binaries,
#                                                       prometheus-postgres-exporter, curl, a built reactor)
# Knobs: PG_BIN (default /usr/lib/postgresql/15/bin), TABLES (10000), STATEMENTS (5000).
set -euo pipefail
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
TABLES=${TABLES:-10000}
STATEMENTS=${STATEMENTS:-5000}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/benchmarks/private-pg.sh"
WORK=$(mktemp -d /tmp/tt-bench-XXXXXX)
PORT=$(free_port)
EXPORTER_PORT=$(free_port)
EXPORTER_PID=""
cleanup() {
  [ -n "$EXPORTER_PID" ] && kill "$EXPORTER_PID" 2>/dev/null || true
  private_pg_stop "$WORK"
  rm -rf "$WORK"
}
trap cleanup EXIT
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres)

echo "== private server on 127.0.0.1:$PORT ($WORK)"
private_pg_start "$WORK" "$PORT" <<CONF
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.max = 10000
max_locks_per_transaction = 1024
autovacuum = off
CONF
"${PSQL[@]}" -d postgres -c "create database bench"
"${PSQL[@]}" -d bench -c "create extension pg_stat_statements"

echo "== $TABLES tables, $((TABLES * 2)) indexes"
t0=$(date +%s)
"${PSQL[@]}" -d bench <<SQL
do \$\$ begin
  for i in 1..$TABLES loop
    execute format('create table t%s (id int primary key, v int, note text)', i);
    execute format('create index t%s_v on t%s (v)', i, i);
    if i % 500 = 0 then commit; end if;
  end loop;
end \$\$;
SQL
echo "   created in $(( $(date +%s) - t0 )) s"

echo "== $STATEMENTS distinct statements"
for i in $(seq 1 "$STATEMENTS"); do echo "select v from t$i where id = 1;"; done > "$WORK/statements.sql"
"${PSQL[@]}" -d bench -f "$WORK/statements.sql" >/dev/null
"${PSQL[@]}" -d bench -Atc "select 'pg_stat_statements rows: ' || count(*) from pg_stat_statements(false)"

echo "== Telltale: one cycle of every server detector"
(cd "$ROOT" && mvn -B -q -o -pl benchmarks -am package -DskipTests >/dev/null)
CP="$ROOT/benchmarks/target/classes:$(cat "$ROOT/benchmarks/target/classpath.txt")"
java -Xmx256m -cp "$CP" dev.telltale.benchmarks.postgres.PostgresCycle "jdbc:postgresql://127.0.0.1:$PORT/bench?user=postgres"

echo "== postgres_exporter: one scrape (default collectors + the packaged example queries, pg_stat_statements fixed for 13+)"
sed -e '/^pg_stat_statements:/,/^[a-z_]*:$/ s/\b\(total\|min\|max\|mean\|stddev\)_time\b/\1_exec_time/g' \
    /usr/share/doc/prometheus-postgres-exporter/examples/queries.yaml > "$WORK/queries.yaml"
"${PSQL[@]}" -d bench -c "create role exporter login superuser"
DATA_SOURCE_NAME="postgresql://exporter@127.0.0.1:$PORT/bench?sslmode=disable" \
  prometheus-postgres-exporter --web.listen-address="127.0.0.1:$EXPORTER_PORT" \
  --extend.query-path="$WORK/queries.yaml" --log.level=error > "$WORK/exporter.log" 2>&1 &
EXPORTER_PID=$!
for _ in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$EXPORTER_PORT/" && break; sleep 0.2; done
exporter_stats() { "${PSQL[@]}" -d bench -Atc "select round(coalesce(sum(total_exec_time + total_plan_time), 0)::numeric, 1) || ' ' || coalesce(sum(rows), 0) from pg_stat_statements s join pg_roles r on r.oid = s.userid where r.rolname = 'exporter'"; }
for scrape in 1 2; do
  before=$(exporter_stats)
  curl -s -o "$WORK/metrics.txt" -w "scrape $scrape: wall %{time_total} s, %{size_download} bytes\n" "http://127.0.0.1:$EXPORTER_PORT/metrics"
  after=$(exporter_stats)
  echo "   server ms and rows: $(awk -v a="$before" -v b="$after" 'BEGIN{split(a,x," "); split(b,y," "); printf "%.1f ms, %d rows", y[1]-x[1], y[2]-x[2]}')"
  echo "   series: $(grep -vc '^#' "$WORK/metrics.txt")"
done
echo "   exporter RSS after the scrapes: $(ps -o rss= -p "$EXPORTER_PID" | awk '{printf "%.1f MB", $1/1024}')"
grep -i "error" "$WORK/exporter.log" | head -3 || true
