#!/usr/bin/env bash
# Fleet mode of `telltale serve`: one agent watching N databases of one PRIVATE PostgreSQL (initdb on a free loopback
# port, pg_stat_statements preloaded, TABLES tables and their statements in each database) and ceil(N/10) dbs of one
# PRIVATE Redis, for N in NS. For each N the agent runs SECONDS, scraped every SCRAPE seconds, and the script prints
# one line: the agent's CPU (cores, over the run after start-up), RSS and heap used (peak), threads (peak), server
# time per second (total_exec_time of Telltale's own statements in pg_stat_statements over the run, divided by its
# length), scrape time (p50/max of /metrics), series (lines of /metrics), and errors/timeouts (runs that ended error
# or timeout, from /findings, plus WARN lines saying so in the log) in the whole run; and the CPU the agent's HTTP
# threads spent per scrape (their /proc ticks around each /metrics request: the scrape's own cost, much less
# affected by the machine's load than its wall time). JARS compares builds: per N, ROUNDS rounds, each running every
# jar in turn (interleaved), one line per run. A measurement, not a test.
#
#   benchmarks/fleet.sh        (from the repository root, after building detectors-cli's telltale.jar:
#                               mvn -B -q -pl detectors-cli -am package -DskipTests)
# Knobs: NS ("1 10 50 100"), SECONDS (300: the "first 5 minutes" of the goals), SCRAPE (15), TABLES (20),
#        PG_BIN (/usr/lib/postgresql/15/bin), JAR (detectors-cli/target/telltale.jar), JARS (JAR; several jars
#        to compare, space-separated), ROUNDS (1).
# Needs: PostgreSQL binaries, psql, redis-server, redis-cli, curl, jcmd, python3. Leaves nothing running.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
# shellcheck source=postgres/common.sh
. "$ROOT/benchmarks/postgres/common.sh"
JAR=${JAR:-$ROOT/detectors-cli/target/telltale.jar}
JARS=${JARS:-$JAR}
ROUNDS=${ROUNDS:-1}
for j in $JARS; do
  [ -f "$j" ] || { echo "no $j: build it first (mvn -B -q -pl detectors-cli -am package -DskipTests)" >&2; exit 1; }
done
NS=${NS:-"1 10 50 100"}
SECONDS_RUN=${SECONDS:-300}
SCRAPE=${SCRAPE:-15}
TABLES=${TABLES:-20}
MAX_N=0
for n in $NS; do ((n > MAX_N)) && MAX_N=$n; done
WORK=$(mktemp -d /tmp/tt-fleet-XXXXXX)
PG_PORT=$(free_port)
REDIS_PORT=$(free_port)
TT=
cleanup() {
  [ -n "$TT" ] && { kill "$TT" 2>/dev/null || true; wait "$TT" 2>/dev/null || true; }
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  pg_stop "$WORK/data"
  rm -rf "$WORK"
}
trap cleanup EXIT
echo "== private PostgreSQL on 127.0.0.1:$PG_PORT with $MAX_N databases, Redis on 127.0.0.1:$REDIS_PORT ($WORK)"
pg_init "$WORK/data" "max_connections = $((MAX_N + 40))" "pg_stat_statements.max = 10000"
pg_start "$WORK/data" "$PG_PORT"
"${PSQL[@]}" -d postgres -c "create extension pg_stat_statements"
t0=$(date +%s)
for i in $(seq 1 "$MAX_N"); do
  db=$(printf 'fleet%03d' "$i")
  "${PSQL[@]}" -d postgres -c "create database $db"
  # TABLES tables, each read by three statement shapes at top level, so pg_stat_statements holds ~3 x TABLES rows
  # per database (the application's statements a real fleet's view is full of)
  {
    echo "create extension pg_stat_statements;"
    for t in $(seq 1 "$TABLES"); do
      echo "create table t$t (id int primary key, v int); insert into t$t select g, g from generate_series(1, 100) g;"
      echo "select count(*) from t$t where id = 1; select v from t$t where id = 2 and v > 0; select max(v) from t$t;"
    done
  } | "${PSQL[@]}" -d "$db" >/dev/null
done
echo "   $MAX_N databases of $TABLES tables in $(( $(date +%s) - t0 )) s;" \
  "$("${PSQL[@]}" -d postgres -Atc 'select count(*) from pg_stat_statements') rows in pg_stat_statements"

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --databases 16 \
  --dir "$WORK" --daemonize yes --logfile "$WORK/redis.log" >/dev/null
for _ in $(seq 1 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
for d in $(seq 0 15); do
  for k in $(seq 1 200); do echo "SET fleet:$d:$k v"; done | redis-cli -p "$REDIS_PORT" -n "$d" >/dev/null
done

telltale_time() {
  # ms of server time Telltale's own statements have used so far (their text starts with /* telltale)
  "${PSQL[@]}" -d postgres -Atc "select coalesce(sum(total_exec_time + total_plan_time), 0)::int8 from pg_stat_statements
                                 where query like '/* telltale%'"
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# http_ticks PID: "tid ticks" of each of the agent's HTTP threads (the comm name is cut to 15 characters)
http_ticks() {
  local t
  for t in /proc/"$1"/task/*; do
    [ "$(cat "$t/comm" 2>/dev/null)" = telltale-http ] && awk -v t="${t##*/}" '{print t, $14 + $15}' "$t/stat" 2>/dev/null
  done
  return 0
}

printf '\n%5s %6s %6s %8s %9s %9s %8s %12s %16s %10s %8s %8s %s\n' N redis "live s" "CPU" "RSS MB" "heap MB" threads \
  "server ms/s" "scrape p50/max" "scrape CPU" series errors "jar, load average"
for n in $NS; do
 for round in $(seq 1 "$ROUNDS"); do
 for JAR in $JARS; do
  r=$(( (n + 9) / 10 ))
  args=()
  for i in $(seq 1 "$n"); do
    db=$(printf 'fleet%03d' "$i")
    args+=(--postgres "$db=postgresql://postgres@127.0.0.1:$PG_PORT/$db")
  done
  for d in $(seq 0 $((r - 1))); do args+=(--redis "cache$d=redis://127.0.0.1:$REDIS_PORT/$d"); done
  web=$(free_port)
  TELLTALE_JAR=$JAR "$ROOT/bin/telltale" serve --web.listen-address "127.0.0.1:$web" "${args[@]}" \
    >"$WORK/serve-$n.out" 2>"$WORK/serve-$n.err" &
  TT=$!
  launched=$(date +%s.%N)
  # bin/telltale execs java: the agent is this pid
  for _ in $(seq 1 600); do curl -sf -o /dev/null "http://127.0.0.1:$web/health/live" && break; sleep 0.2; done
  live=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$launched" "$(date +%s.%N)")
  hz=$(getconf CLK_TCK)
  PROMETHEUS_ACCEPT='Accept: application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1'
  # a snapshot of Telltale's statements' counters on the harness's own private server, to tell where time went
  "${PSQL[@]}" -d postgres -Atc "drop table if exists snap; create table snap as select dbid, userid, queryid,
      total_exec_time + total_plan_time as ms, calls from pg_stat_statements where query like '/* telltale%'" >/dev/null
  ticks0=$(cpu_ticks "$TT"); server0=$(telltale_time); start=$(date +%s.%N)
  peak_rss=0; peak_heap=0; peak_threads=0
  : > "$WORK/scrapes-$n.txt"; : > "$WORK/http-$n.txt"
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  end=$(( $(date +%s) + SECONDS_RUN ))
  while (( $(date +%s) < end )); do
    http_ticks "$TT" > "$WORK/http0.txt"
    # as Prometheus asks: OpenMetrics first, gzip
    curl -s --compressed -H "$PROMETHEUS_ACCEPT" -o "$WORK/metrics-$n.txt" -w '%{time_total}\n' "http://127.0.0.1:$web/metrics" \
      >> "$WORK/scrapes-$n.txt" \
      || echo fail >> "$WORK/scrapes-$n.txt"
    http_ticks "$TT" | awk 'NR == FNR { b[$1] = $2; next } { s += $2 - b[$1] } END { print s + 0 }' "$WORK/http0.txt" - \
      >> "$WORK/http-$n.txt"
    read -r rss threads < <(ps -o rss=,nlwp= -p "$TT")
    heap=$(jcmd "$TT" GC.heap_info 2>/dev/null | awk '/used/ {for (i=1;i<=NF;i++) if ($i=="used") {v=$(i+1); sub(/K,?/,"",v); s+=v}} END {printf "%.0f", s/1024}')
    ((rss / 1024 > peak_rss)) && peak_rss=$((rss / 1024))
    ((threads > peak_threads)) && peak_threads=$threads
    ((${heap:-0} > peak_heap)) && peak_heap=$heap
    sleep "$SCRAPE"
  done
  ticks1=$(cpu_ticks "$TT"); server1=$(telltale_time); stop=$(date +%s.%N)
  # where the server time went: Telltale's statements by server time over the run (against the snapshot)
  "${PSQL[@]}" -d postgres -Atc "select round(sum(s.total_exec_time + s.total_plan_time - coalesce(p.ms, 0))::numeric
        / $SECONDS_RUN, 2) || ' ms/s  ' || sum(s.calls - coalesce(p.calls, 0)) || ' calls  '
        || substr(regexp_replace(min(s.query), '\s+', ' ', 'g'), 1, 60)
      from pg_stat_statements s left join snap p using (dbid, userid, queryid)
     where s.query like '/* telltale%' group by substr(s.query, 1, 40)
     order by sum(s.total_exec_time + s.total_plan_time - coalesce(p.ms, 0)) desc limit 8"> "$WORK/top-$n.txt"
  curl -s "http://127.0.0.1:$web/findings" > "$WORK/findings-$n.json" || true
  kill "$TT"; wait "$TT" 2>/dev/null || true; TT=
  python3 - "$n" "$r" "$live" "$ticks0" "$ticks1" "$hz" "$server0" "$server1" "$start" "$stop" "$peak_rss" "$peak_heap" \
    "$peak_threads" "$WORK/scrapes-$n.txt" "$WORK/metrics-$n.txt" "$WORK/findings-$n.json" "$WORK/serve-$n.err" \
    "$WORK/http-$n.txt" "$(basename "$JAR"), $load to $(cut -d' ' -f1-3 /proc/loadavg)" <<'PY'
import json, re, sys
n, r, live, t0, t1, hz, s0, s1, a, b, rss, heap, threads, scrapes, metrics, findings, log, http, label = sys.argv[1:]
ticks = [int(l) for l in open(http) if l.strip()]
# the first scrape registers and warms up what later ones reuse: the mean of the others
steady = ticks[1:] or ticks
scrape_cpu = 1000.0 * sum(steady) / int(hz) / max(1, len(steady))
secs = float(b) - float(a)
cpu = (int(t1) - int(t0)) / int(hz) / secs
server = (int(s1) - int(s0)) / secs
times = sorted(float(l) * 1000 for l in open(scrapes) if l.strip() and l.strip() != "fail")
fails = sum(1 for l in open(scrapes) if l.strip() == "fail")
series = sum(1 for l in open(metrics) if l.strip() and not l.startswith("#"))
try:
    runs = json.load(open(findings)).get("runs", [])
except Exception:
    runs = []
bad = sum(1 for x in runs if x.get("outcome") in ("error", "timeout"))
logged = sum(1 for l in open(log) if re.search(r" WARN .*(failed|timeout)", l))
print(f"{n:>5} {r:>6} {live:>6} {cpu:8.3f} {int(rss):9d} {int(heap):9d} {int(threads):8d} {server:12.1f} "
      f"{times[len(times)//2] if times else 0:8.0f}/{times[-1] if times else 0:<7.0f} {scrape_cpu:7.0f} ms {series:8d} "
      f"{bad}+{logged:<6} {label}" + (f" ({fails} scrapes failed)" if fails else ""))
PY
  grep ' WARN .*\(failed\|timeout\)' "$WORK/serve-$n.err" | cut -c1-200 | head -3 || true
  [ -n "${TOP:-}" ] && sed 's/^/        /' "$WORK/top-$n.txt"
 done
 done
done
echo "(live s: seconds from launch to /health/live; CPU in cores over the run after it answered; RSS, heap and threads the peak of the samples; errors:"
echo " runs ending error/timeout in /findings at the end + WARN lines about failures or timeouts over the whole run;"
echo " scrape CPU: the mean CPU of the HTTP threads per /metrics request after the first, from /proc ticks)"
