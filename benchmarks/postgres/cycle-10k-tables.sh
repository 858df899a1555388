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
# shellcheck source=common.sh
. "$ROOT/benchmarks/postgres/common.sh"
WORK=$(mktemp -d /tmp/tt-bench-XXXXXX)
PORT=$(free_port)
EXPORTER_PORT=$(free_port)
EXPORTER_PID=""
cleanup() {
  [ -n "$EXPORTER_PID" ] && kill "$EXPORTER_PID" 2>/dev/null || true
  pg_stop "$WORK/data"
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== private server on 127.0.0.1:$PORT ($WORK)"
pg_init "$WORK/data" "pg_stat_statements.max = 10000"
pg_start "$WORK/data" "$PORT"
"${PSQL[@]}" -d postgres -c "create database bench"
"${PSQL[@]}" -d bench -c "create extension pg_stat_statements"

echo "== $TABLES tables, $((TABLES * 2)) indexes"
t0=$(date +%s)
make_tables bench "$TABLES"
echo "   created in $(( $(date +%s) - t0 )) s"

echo "== $STATEMENTS distinct statements"
make_statements bench "$STATEMENTS"
"${PSQL[@]}" -d bench -Atc "select 'pg_stat_statements rows: ' || count(*) from pg_stat_statements(false)"

echo "== Telltale: one cycle of every server detector"
(cd "$ROOT" && mvn -B -q -o -pl benchmarks -am package -DskipTests >/dev/null)
CP="$ROOT/benchmarks/target/classes:$(cat "$ROOT/benchmarks/target/classpath.txt")"
java -Xmx256m -cp "$CP" dev.telltale.benchmarks.postgres.PostgresCycle "jdbc:postgresql://127.0.0.1:$PORT/bench?user=postgres"

echo "== postgres_exporter: one scrape (default collectors + the packaged example queries, pg_stat_statements fixed for 13+)"
exporter_queries "$WORK/queries.yaml"
"${PSQL[@]}" -d bench -c "create role exporter login superuser"
exporter_start "postgresql://exporter@127.0.0.1:$PORT/bench?sslmode=disable" "$EXPORTER_PORT" "$WORK/exporter.log" \
  --extend.query-path="$WORK/queries.yaml"
for scrape in 1 2; do
  before=$(role_stats bench exporter)
  curl -s -o "$WORK/metrics.txt" -w "scrape $scrape: wall %{time_total} s, %{size_download} bytes\n" "http://127.0.0.1:$EXPORTER_PORT/metrics"
  after=$(role_stats bench exporter)
  echo "   server ms and rows: $(awk -v a="$before" -v b="$after" 'BEGIN{split(a,x," "); split(b,y," "); printf "%.1f ms, %d rows", y[1]-x[1], y[3]-x[3]}')"
  echo "   series: $(grep -vc '^#' "$WORK/metrics.txt")"
done
echo "   exporter RSS after the scrapes: $(ps -o rss= -p "$EXPORTER_PID" | awk '{printf "%.1f MB", $1/1024}')"
grep -i "error" "$WORK/exporter.log" | head -3 || true
