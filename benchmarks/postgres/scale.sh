#!/usr/bin/env bash
# One `telltale check --window 0s` at 10,000 and 50,000 tables (half of them partitions of a few parents, two
# indexes per table, ~5,000 statements in pg_stat_statements), in interleaved rounds with one postgres_exporter
# scrape with its default collectors and one with its packaged queries.yaml. Per round: wall, server time
# (pg_stat_statements total_exec_time + total_plan_time deltas of each client's own role), server CPU (of the
# backends, from /proc), statements, rows, and for the check its exit status, client CPU, max RSS and heap at exit,
# the slowest runs and statements.
# Everything runs on a PRIVATE PostgreSQL 15 server per size (initdb on a free loopback port), never a shared one.
# Building 50,000 tables takes a while: the data directories stay under $STATE for the next runs.
#
#   benchmarks/postgres/scale.sh [build|run|explain|outputs DIR|clean]
#            (from the repository root; default: run, which builds what is missing first)
#   build    create the databases that are missing
#   run      ROUNDS interleaved rounds per size (after one warm-up round that is not counted)
#   explain  one check with auto_explain (ANALYZE, BUFFERS, every statement) at each size; lists the plans and
#            every detector query over 500 ms of server time; the plans are kept in $STATE/<size>/explain.txt
#   outputs DIR  the rows of the catalogue queries that grow with the schema (detectors-postgres' .sql files, run
#            by psql with fixed parameters that return many rows) into DIR/<size>/<file>.txt, to compare a rewrite's
#            output with the query it replaces (diff -r two such directories)
#   clean    delete $STATE (nothing is left running)
# Knobs: SIZES ("10000 50000"), ROUNDS (3), EXPORTER (1; 0 leaves the scrapes out, to compare two builds of
#        telltale; explain and outputs never start it), PARENTS (10), STATEMENTS (5000), STATE (/tmp/tt-scale), JAR (detectors-cli/target/telltale.jar),
#        PG_BIN (/usr/lib/postgresql/15/bin), SLOW_MS (500).
# Needs: PostgreSQL 15 binaries, prometheus-postgres-exporter (Debian's 0.11.1), curl, python3, /usr/bin/time,
#        the built jar (mvn -B -q -pl detectors-cli -am package -DskipTests). Leaves nothing running.
set -euo pipefail
MODE=${1:-run}
SIZES=${SIZES:-10000 50000}
ROUNDS=${ROUNDS:-3}
EXPORTER=${EXPORTER:-1}
PARENTS=${PARENTS:-10}
STATEMENTS=${STATEMENTS:-5000}
STATE=${STATE:-/tmp/tt-scale}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
SLOW_MS=${SLOW_MS:-500}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
JAR=${JAR:-$ROOT/detectors-cli/target/telltale.jar}
# shellcheck source=common.sh
. "$ROOT/benchmarks/postgres/common.sh"

if [ "$MODE" = clean ]; then rm -rf "$STATE"; exit 0; fi
[ "$MODE" = build ] || [ -f "$JAR" ] || { echo "no $JAR: build it first (mvn -B -q -pl detectors-cli -am package -DskipTests)" >&2; exit 1; }

WORK=$(mktemp -d /tmp/tt-scale-run-XXXXXX)
DATA=""
EXPORTERS=()
cleanup() {
  for p in "${EXPORTERS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  EXPORTERS=()
  [ -n "$DATA" ] && pg_stop "$DATA"
  DATA=""
}
trap 'cleanup; rm -rf "$WORK"' EXIT

# the roles each client connects as, so that pg_stat_statements tells their statements apart
ROLES_SQL="create role tt login superuser; create role tt_explain login superuser;
  create role exporter login superuser; create role exporter_q login superuser;
  alter role tt_explain set session_preload_libraries = 'auto_explain';
  alter role tt_explain set auto_explain.log_min_duration = 0;
  alter role tt_explain set auto_explain.log_analyze = on;
  alter role tt_explain set auto_explain.log_buffers = on;
  alter role tt_explain set auto_explain.log_timing = on;"

build() {
  local n=$1 dir=$STATE/$1 parts=$(( $1 / 2 ))
  [ -f "$dir/built" ] && return 0
  rm -rf "$dir"; mkdir -p "$dir"
  echo "== building $n tables ($parts partitions of $PARENTS parents), $((2 * n + 2 * PARENTS)) indexes in $dir"
  pg_init "$dir/data" "pg_stat_statements.max = 10000" "pg_stat_statements.track_planning = on" \
    "shared_buffers = 256MB" "max_connections = 50"
  DATA=$dir/data
  pg_start "$DATA" "$(free_port)"
  "${PSQL[@]}" -d postgres -c "create database scale"
  "${PSQL[@]}" -d scale -c "create extension pg_stat_statements" -c "$ROLES_SQL" >/dev/null
  local t0=$SECONDS
  make_tables scale "$n" "$parts" "$PARENTS"
  echo "   tables in $((SECONDS - t0)) s"
  "${PSQL[@]}" -d scale -c "analyze" >/dev/null
  make_statements scale "$STATEMENTS"
  "${PSQL[@]}" -d scale -Atc "select 'tables ' || count(*) filter (where relkind = 'r') || ', partitions '
      || count(*) filter (where relkind = 'r' and relispartition) || ', indexes ' || count(*) filter (where relkind in ('i', 'I'))
      || ', pg_stat_statements rows ' || (select count(*) from pg_stat_statements(false))
      || ', database ' || pg_size_pretty(pg_database_size(current_database()))
    from pg_class where relnamespace = 'public'::regnamespace"
  # autovacuum is off (the numbers must not move under a run): vacuum the catalogs once, as autovacuum would have
  "${PSQL[@]}" -d scale -Atc "select format('vacuum (analyze) pg_catalog.%I;', relname) from pg_class
     where relnamespace = 'pg_catalog'::regnamespace and relkind = 'r'" | "${PSQL[@]}" -d scale
  echo "   built in $((SECONDS - t0)) s"
  cleanup
  touch "$dir/built"
}

# start SIZE: its server on a free port and the two exporters; sets URL
start() {
  local n=$1
  DATA=$STATE/$n/data
  PORT=$(free_port)
  pg_start "$DATA" "$PORT"
  URL="postgresql://tt@127.0.0.1:$PORT/scale"
  # explain and outputs need no exporter; EXPORTER=0 leaves it out of run
  if [ "$EXPORTER" != 1 ] || [ "$MODE" != run ]; then
    "${PSQL[@]}" -d postgres -qc "set client_min_messages = warning" -c "create extension if not exists pg_stat_statements" \
      -c "create table if not exists snap (userid oid, queryid int8, ms float8, calls int8, rows int8)"
    return 0
  fi
  exporter_queries "$WORK/queries.yaml"
  E1=$(free_port)
  exporter_start "postgresql://exporter@127.0.0.1:$PORT/scale?sslmode=disable" "$E1" "$WORK/exporter.log"
  EXPORTERS+=("$EXPORTER_PID")
  E2=$(free_port)
  exporter_start "postgresql://exporter_q@127.0.0.1:$PORT/scale?sslmode=disable" "$E2" "$WORK/exporter-q.log" \
    --extend.query-path="$WORK/queries.yaml"
  EXPORTERS+=("$EXPORTER_PID")
  "${PSQL[@]}" -d postgres -qc "set client_min_messages = warning" -c "create extension if not exists pg_stat_statements" \
    -c "create table if not exists snap (userid oid, queryid int8, ms float8, calls int8, rows int8)"
}

snapshot() {
  "${PSQL[@]}" -d postgres -qc "truncate snap" -c "insert into snap select s.userid, s.queryid,
      s.total_exec_time + s.total_plan_time, s.calls, s.rows
    from pg_stat_statements s join pg_roles r on r.oid = s.userid where r.rolname = '$1'"
}

# top_statements ROLE: the statements of ROLE that took most server time since the snapshot
top_statements() {
  "${PSQL[@]}" -d postgres -Atc "select round((s.total_exec_time + s.total_plan_time - coalesce(b.ms, 0))::numeric, 1)
        || ' ms  ' || (s.calls - coalesce(b.calls, 0)) || ' calls  ' || (s.rows - coalesce(b.rows, 0)) || ' rows  '
        || coalesce(substring(s.query from '/\* (telltale:[^*]*) \*/'), left(regexp_replace(s.query, '\s+', ' ', 'g'), 60))
      from pg_stat_statements s join pg_roles r on r.oid = s.userid
      left join snap b on b.userid = s.userid and b.queryid = s.queryid
     where r.rolname = '$1' and s.calls > coalesce(b.calls, 0)
     order by s.total_exec_time + s.total_plan_time - coalesce(b.ms, 0) desc limit ${2:-6}" | sed 's/^/      /'
}

TICK_MS=$((1000 / $(getconf CLK_TCK)))
# CPU ms of the server's backends that have exited (the postmaster's children's time); a check's backend exits with it
exited_cpu() { awk -v t="$TICK_MS" '{print ($16 + $17) * t}' "/proc/$(head -1 "$DATA/postmaster.pid")/stat"; }
# CPU ms of the live backends of ROLE (the exporters keep their connection)
role_cpu() {
  local pids s=0 p
  pids=$("${PSQL[@]}" -d postgres -Atc "select pid from pg_stat_activity where usename = '$1'")
  for p in $pids; do s=$((s + $(awk -v t="$TICK_MS" '{print ($14 + $15) * t}' "/proc/$p/stat" 2>/dev/null || echo 0))); done
  echo "$s"
}

delta() { awk -v a="$1" -v b="$2" 'BEGIN{split(a,x," "); split(b,y," "); printf "%.1f ms server, %d statements, %d rows", y[1]-x[1], y[2]-x[2], y[3]-x[3]}'; }

# check ROLE LABEL: one check; prints one line (and the slowest runs and statements)
check() {
  local role=$1 label=$2 before after status cpu0 cpu1
  snapshot "$role"
  before=$(role_stats scale "$role")
  cpu0=$(exited_cpu)
  set +e
  JAVA_TOOL_OPTIONS="-Xlog:gc+heap+exit:file=$WORK/heap.txt" TELLTALE_JAR=$JAR \
    /usr/bin/time -f '%e %U %S %M' -o "$WORK/time.txt" "$ROOT/bin/telltale" check --window 0s --format json \
    --postgres "scale=${URL/tt@/$role@}" > "$WORK/check.json" 2> "$WORK/check.err"
  status=$?
  set -e
  # the backend is reaped as soon as the client has gone; wait for it (at most 2 s)
  for _ in $(seq 1 20); do
    [ "$("${PSQL[@]}" -d postgres -Atc "select count(*) from pg_stat_activity where usename = '$role'")" = 0 ] && break
    sleep 0.1
  done
  cpu1=$(exited_cpu)
  after=$(role_stats scale "$role")
  read -r wall user sys rss < <(tail -1 "$WORK/time.txt")
  heap=$(awk '/used/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i+1); sub(/K.*/, "", v); s += v } }
              END { printf "%.0f", s / 1024 }' "$WORK/heap.txt" 2>/dev/null || echo "?")
  printf '   %-9s wall %5.2f s  exit %s  %s, server CPU %d ms  client CPU %.2f s  max RSS %d MB  heap at exit %s MB\n' \
    "$label" "$wall" "$status" "$(delta "$before" "$after")" $((cpu1 - cpu0)) "$(echo "$user + $sys" | bc)" \
    $((rss / 1024)) "$heap"
  python3 - "$WORK/check.json" <<'PY'
import json, sys
try:
    doc = json.load(open(sys.argv[1]))
except Exception as e:
    print("      no report:", e); sys.exit(0)
runs = doc.get("runs", [])
bad = [r for r in runs if r["outcome"] not in ("ok", "not-applicable", "skipped")]
slow = sorted(runs, key=lambda r: -r.get("durationMs", 0))[:5]
print("      status %s, %d runs; slowest: %s" % (doc.get("status"), len(runs),
      ", ".join("%s %d ms" % (r["detector"].replace("postgres.", ""), r["durationMs"]) for r in slow)))
for r in bad:
    print("      %s %s: %s" % (r["detector"], r["outcome"], r.get("reason", "")[:160]))
PY
  if [ "${VERBOSE:-1}" = 1 ]; then top_statements "$role" 5; fi
  return 0
}

# scrape ROLE PORT LABEL
scrape() {
  local before after out cpu0 cpu1
  before=$(role_stats scale "$1")
  cpu0=$(role_cpu "$1")
  out=$(curl -s -o "$WORK/metrics.txt" -w '%{time_total} %{size_download}' "http://127.0.0.1:$2/metrics")
  cpu1=$(role_cpu "$1")
  after=$(role_stats scale "$1")
  read -r t size <<< "$out"
  printf '   %-9s wall %5.2f s  %s, server CPU %d ms  %d series, %.1f MB\n' "$3" "$t" "$(delta "$before" "$after")" \
    $((cpu1 - cpu0)) "$(grep -vc '^#' "$WORK/metrics.txt")" "$(echo "$size / 1048576" | bc -l)"
}

run() {
  local n=$1
  start "$n"
  echo "== $n tables on 127.0.0.1:$PORT: $(cat /proc/loadavg | cut -d' ' -f1-3) load average; warm-up round (not counted)"
  VERBOSE=0 check tt check >/dev/null
  if [ "$EXPORTER" = 1 ]; then curl -s -o /dev/null "http://127.0.0.1:$E1/metrics"; curl -s -o /dev/null "http://127.0.0.1:$E2/metrics"; fi
  for r in $(seq 1 "$ROUNDS"); do
    echo "-- round $r, load average $(cut -d' ' -f1-3 /proc/loadavg)"
    check tt check
    [ "$EXPORTER" = 1 ] || continue
    scrape exporter "$E1" exporter
    scrape exporter_q "$E2" "exp+q"
  done
  grep -i "error" "$WORK/exporter.log" "$WORK/exporter-q.log" | head -3 || true
  cleanup
}

explain() {
  local n=$1 log=$STATE/$1/server.log from
  start "$n"
  echo "== $n tables: one check with auto_explain (ANALYZE, BUFFERS), load average $(cut -d' ' -f1-3 /proc/loadavg)"
  from=$(wc -c < "$log")
  check tt_explain explain
  tail -c +"$((from + 1))" "$log" > "$STATE/$n/explain.txt"
  python3 - "$STATE/$n/explain.txt" "$SLOW_MS" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
slow_ms = float(sys.argv[2])
plans = re.split(r"\n(?=\S.*LOG:  duration: )", text)
rows = []
for p in plans:
    m = re.search(r"LOG:  duration: ([0-9.]+) ms  plan:", p)
    if not m:
        continue
    q = re.search(r"/\* (telltale:[^*]*) \*/", p)
    name = q.group(1) if q else "?"
    buffers = re.search(r"Buffers: ([^\n]*)", p)
    top = re.search(r"\n\s*((?:->\s*)?[A-Z][A-Za-z ]+?)\s+\(cost=", p)
    rows.append((float(m.group(1)), name, top.group(1).strip() if top else "", buffers.group(1) if buffers else ""))
rows.sort(reverse=True)
print("      %d plans; over %.0f ms: %d" % (len(rows), slow_ms, sum(1 for r in rows if r[0] > slow_ms)))
for ms, name, top, buffers in rows:
    if ms >= 1:
        print("      %9.1f ms  %-45s %-22s %s" % (ms, name[:45], top[:22], buffers[:60]))
PY
  cleanup
}

SQL_DIR=$ROOT/detectors-postgres/src/main/resources/dev/telltale/postgres/internal/stats
# file and psql variables: limits high enough that nothing is cut, floors low enough that every table counts
OUTPUTS=(
  "index-counts -v max=1 -v limit=1000000"
  "index-counts -v max=1 -v limit=20"
  "table-activity -v cap=1000000"
  "wraparound-tables -v limit=1000000 -v warning_age=0"
  "wraparound-tables -v limit=20 -v warning_age=1"
  "table-health -v min_pages=0 -v min_dead=0 -v min_bloat=0 -v note_bloat=0 -v bloat_ratio=0 -v limit=1000000"
  "index-candidates -v limit=1000000 -v min_size=0"
  "index-candidates -v limit=20 -v min_size=0"
  "growth-relations -v top=20 -v candidates=200"
  "growth-database -v exact=false -v max_relations=0"
)
outputs() {
  local n=$1 out=$2/$1 major i=0
  start "$n"
  mkdir -p "$out"
  major=$("${PSQL[@]}" -d scale -Atc "show server_version_num")
  major=$((major / 10000))
  for entry in "${OUTPUTS[@]}"; do
    read -r file vars <<< "$entry"
    i=$((i + 1))
    # the version markers of SqlFile: keep the lines meant for this server
    python3 - "$SQL_DIR/$file.sql" "$major" > "$WORK/q.sql" <<'PY'
import re, sys
major = int(sys.argv[2])
for line in open(sys.argv[1]):
    m = re.match(r"^(\s*[^-\s].*?)\s+--\s*(from|before) pg(\d+)\s*$", line)
    if m and ((m.group(2) == "from") != (major >= int(m.group(3)))):
        continue
    print(m.group(1) if m else line.rstrip("\n"))
PY
    # shellcheck disable=SC2086 # the variables are words on purpose
    "${PSQL[@]}" -d scale -A -F '|' $vars -f "$WORK/q.sql" > "$out/$i-$file.txt"
    echo "   $file ($vars): $(($(wc -l < "$out/$i-$file.txt") - 2)) rows"
  done
  cleanup
}

for n in $SIZES; do build "$n"; done
case $MODE in
  build) ;;
  run) for n in $SIZES; do run "$n"; done ;;
  explain) for n in $SIZES; do explain "$n"; done ;;
  outputs) [ -n "${2:-}" ] || { echo "outputs needs a directory" >&2; exit 2; }; for n in $SIZES; do outputs "$n" "$2"; done ;;
  *) echo "unknown mode $MODE (build, run, explain, clean)" >&2; exit 2 ;;
esac
