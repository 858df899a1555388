#!/usr/bin/env bash
# Soak of `telltale serve`: a PRIVATE PostgreSQL (initdb on a free loopback port) with many tables, IDLE idle
# and ACTIVE active sessions, a PRIVATE Redis with many keys, and the agent scraped every second for MINUTES.
# Prints, every SAMPLE seconds, the agent's CPU, RSS, heap (used/committed, old gen), threads and the connections
# it holds; at the end scrape latency p50/p99/max and the RSS and old-gen trend. A measurement, not a test.
#
#   benchmarks/soak/serve-soak.sh        (from the repository root, after building detectors-cli's telltale.jar:
#                                         mvn -B -q -pl detectors-cli -am package -DskipTests)
# Knobs: MINUTES (10), IDLE (500), ACTIVE (100), ACTIVE_TPS (200, all active sessions together), TABLES (10000),
#        KEYS (1000000), SAMPLE (30), PG_BIN (/usr/lib/postgresql/15/bin), JAR (detectors-cli/target/telltale.jar).
# Needs: PostgreSQL binaries, pgbench, redis-server, redis-cli, curl, jstat, python3. Leaves nothing running.
set -euo pipefail
MINUTES=${MINUTES:-10}
IDLE=${IDLE:-500}
ACTIVE=${ACTIVE:-100}
ACTIVE_TPS=${ACTIVE_TPS:-200}
TABLES=${TABLES:-10000}
KEYS=${KEYS:-1000000}
SAMPLE=${SAMPLE:-30}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/benchmarks/private-pg.sh"
require_jar
WORK=$(mktemp -d /tmp/tt-soak-XXXXXX)
PG_PORT=$(free_port)
REDIS_PORT=$(free_port)
WEB_PORT=$(free_port)
BG=()
cleanup() {
  for p in "${BG[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  private_cleanup
}
trap cleanup EXIT
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres)

echo "== private PostgreSQL on 127.0.0.1:$PG_PORT, Redis on 127.0.0.1:$REDIS_PORT ($WORK)"
private_pg_start "$WORK" "$PG_PORT" <<CONF
max_connections = $((IDLE + ACTIVE + 30))
shared_preload_libraries = 'pg_stat_statements'
max_locks_per_transaction = 1024
autovacuum = off
CONF
"${PSQL[@]}" -d postgres -c "create database soak"
"${PSQL[@]}" -d soak -c "create extension pg_stat_statements"
t0=$(date +%s)
"${PSQL[@]}" -d soak <<SQL
do \$\$ begin
  for i in 1..$TABLES loop
    execute format('create table t%s (id int primary key, v int)', i);
    if i % 500 = 0 then commit; end if;
  end loop;
end \$\$;
create table hot(id int primary key, n bigint not null default 0);
insert into hot(id) select generate_series(1, 1000);
SQL
echo "   $TABLES tables in $(( $(date +%s) - t0 )) s"

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --enable-debug-command yes \
  --dir "$WORK" --daemonize yes --logfile "$WORK/redis.log" >/dev/null
for _ in $(seq 1 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
# the harness fills its own private server; telltale itself never sends DEBUG
redis-cli -p "$REDIS_PORT" debug populate "$KEYS" soak 64 >/dev/null
echo "   $(redis-cli -p "$REDIS_PORT" dbsize) keys"

SECONDS_TOTAL=$((MINUTES * 60 + 60))
printf 'SELECT 1;\n\\sleep 600 s\n' > "$WORK/idle.sql"
cat > "$WORK/active.sql" <<'SQL'
\set r random(1, 1000)
BEGIN;
SELECT n FROM hot WHERE id = :r;
UPDATE hot SET n = n + 1 WHERE id = :r;
COMMIT;
SQL
pgbench -n -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "$IDLE" -j 2 -T "$SECONDS_TOTAL" -f "$WORK/idle.sql" soak \
  >"$WORK/pgbench-idle.log" 2>&1 &
BG+=($!)
pgbench -n -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "$ACTIVE" -j 2 -T "$SECONDS_TOTAL" -R "$ACTIVE_TPS" \
  -f "$WORK/active.sql" soak >"$WORK/pgbench-active.log" 2>&1 &
BG+=($!)
for _ in $(seq 1 300); do
  n=$("${PSQL[@]}" -d postgres -Atc "select count(*) from pg_stat_activity where application_name = 'pgbench'")
  ((n >= IDLE + ACTIVE)) && break
  sleep 0.2
done
echo "   $n pgbench sessions ($IDLE idle, $ACTIVE active at $ACTIVE_TPS tps in all)"

java -Xmx256m -jar "$JAR" serve --web.listen-address "127.0.0.1:$WEB_PORT" \
  --postgres "soak=postgresql://postgres@127.0.0.1:$PG_PORT/soak" --redis "cache=redis://127.0.0.1:$REDIS_PORT" \
  >"$WORK/serve.out" 2>"$WORK/serve.err" &
TT=$!
BG+=($TT)
for _ in $(seq 1 300); do curl -sf -o /dev/null "http://127.0.0.1:$WEB_PORT/health/live" && break; sleep 0.2; done

sample() {
  local rss cpu threads heap old conns_pg conns_redis
  read -r rss cpu threads < <(ps -o rss=,pcpu=,nlwp= -p "$TT")
  # jstat -gc: S0C S1C S0U S1U EC EU OC OU ... (KB)
  read -r heap old < <(jstat -gc "$TT" | awk 'NR==2 {printf "%.0f %.0f\n", ($3+$4+$6+$8)/1024, $8/1024}')
  conns_pg=$("${PSQL[@]}" -d postgres -Atc "select count(*) from pg_stat_activity where application_name = 'telltale'")
  conns_redis=$(redis-cli -p "$REDIS_PORT" client list | grep -c ' name=telltale ' || true)
  printf '%6ss  cpu (mean since start) %5s%%  rss %5d MB  heap used %4s MB  old gen %4s MB  threads %3s  connections pg %s redis %s\n' \
    "$1" "$cpu" $((rss / 1024)) "$heap" "$old" "$threads" "$conns_pg" "$conns_redis"
  echo "$1 $((rss / 1024)) $old" >> "$WORK/trend.txt"
}

echo "== serve for $MINUTES min, a scrape every second (sampled every $SAMPLE s)"
start=$(date +%s)
next_sample=0
while (( $(date +%s) - start < MINUTES * 60 )); do
  t=$(( $(date +%s) - start ))
  curl -s -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$WEB_PORT/metrics" >> "$WORK/scrapes.txt" || echo "fail" >> "$WORK/scrapes.txt"
  if (( t >= next_sample )); then sample "$t"; next_sample=$((next_sample + SAMPLE)); fi
  sleep 1
done
sample "$(( $(date +%s) - start ))"

echo "== scrapes"
python3 - "$WORK/scrapes.txt" "$WORK/trend.txt" <<'PY'
import sys
times = [float(l) * 1000 for l in open(sys.argv[1]) if l.strip() and l.strip() != "fail"]
fails = sum(1 for l in open(sys.argv[1]) if l.strip() == "fail")
times.sort()
def q(p): return times[min(len(times) - 1, int(p * len(times)))]
print(f"   {len(times)} scrapes, {fails} failed: p50 {q(0.5):.0f} ms, p99 {q(0.99):.0f} ms, max {times[-1]:.0f} ms")
trend = [l.split() for l in open(sys.argv[2])]
half = len(trend) // 2
if half:
    first = sum(int(r[1]) for r in trend[:half]) / half
    last = sum(int(r[1]) for r in trend[half:]) / (len(trend) - half)
    print(f"   RSS: first half {first:.0f} MB, second half {last:.0f} MB; old gen from {trend[0][2]} to {trend[-1][2]} MB")
PY
echo "== the agent's log lines at WARN or ERROR (alerts that fired are WARN): $(grep -c ' WARN \| ERROR ' "$WORK/serve.err" || true)"
grep ' WARN \| ERROR ' "$WORK/serve.err" | cut -c1-200 | head -10 || true
