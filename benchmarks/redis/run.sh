#!/usr/bin/env bash
# Redis benchmarks of detectors-redis (numbers go in benchmarks/redis/RESULTS.md).
#  1. big-key scan of 1,000,000 keys: Telltale's redis.big-keys vs `redis-cli --memkeys` on the same data,
#     keys per second and the longest single command the scan caused on the server (SLOWLOG, 0.5 ms threshold);
#  2. one cycle of the cheap INFO-based detectors vs one redis_exporter scrape (Debian prometheus-redis-exporter).
# Starts its own redis-server and exporter on free loopback ports and stops them on exit; never touches :6379.
# Needs: redis-server, redis-cli (redis-tools), prometheus-redis-exporter, a JDK 17 and Maven.
set -euo pipefail
cd "$(dirname "$0")/../.."
KEYS=${KEYS:-1000000}          # KEYS=10000 ONLY=cheap: the second part alone; ONLY=scan: the first
ONLY=${ONLY:-all}
CYCLES=${CYCLES:-200}

. benchmarks/redis/common.sh
PORT=$(free_port); EXPORTER_PORT=$(free_port)
DIR=$(mktemp -d /tmp/telltale-bench-XXXX)
trap cleanup EXIT

# On this 2-core machine the server gets core 0 and the scanners (Java or redis-cli) core 1, so that a
# scanner's CPU (JIT, GC) does not preempt the server mid-command and show up as a slow command.
# Off by default (PIN=1 to use): on a machine other jobs load, pinning makes things worse.
if [ "${PIN:-0}" = 1 ]; then PIN_SERVER="taskset -c 0"; PIN_CLIENT="taskset -c 1"; else PIN_SERVER=""; PIN_CLIENT=""; fi
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
start_redis $PIN_SERVER
populate
redis_classpath

if [ "$ONLY" != cheap ]; then
  echo; echo "== big-key scan =="
  $PIN_CLIENT java -cp "$CP" dev.telltale.redis.bench.BigKeyScanBench "$PORT" "${COUNT:-100}"
fi

if [ "$ONLY" = scan ]; then exit 0; fi
echo; echo "== cheap cycle vs redis_exporter scrape =="
$PIN_CLIENT prometheus-redis-exporter -redis.addr "redis://127.0.0.1:$PORT" -web.listen-address "127.0.0.1:$EXPORTER_PORT" \
  >"$DIR/exporter.log" 2>&1 &
PIDS+=($!)
until curl -sf "http://127.0.0.1:$EXPORTER_PORT/metrics" >/dev/null; do sleep 0.2; done
$PIN_CLIENT java -cp "$CP" dev.telltale.redis.bench.CheapCycleBench "$PORT" "$EXPORTER_PORT" "$CYCLES"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
