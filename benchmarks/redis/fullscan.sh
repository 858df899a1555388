#!/usr/bin/env bash
# The full-keyspace one-shot check (numbers go in benchmarks/redis/RESULTS.md): Telltale's default check of a
# target holding 1,000,000 keys (every per-node detector; big-keys, hot-keys, ttl-hygiene and streams share one
# walk of the whole keyspace) beside `redis-cli --bigkeys` and `redis-cli --memkeys` on the same data,
# interleaved, ROUNDS rounds. For each run: wall time of the process, another client's PING round trip
# (p50/p99/max, one PING per millisecond) while it runs, and for Telltale the JVM heap: it runs with a max heap
# of 64 MB (-Xmx64m, so finishing proves it fits) and -Xlog:gc, whose largest heap-before-GC is printed.
# Starts its own redis-server on a free loopback port and stops it on exit; never touches :6379.
# Needs: redis-server, redis-cli (redis-tools), python3, a JDK 17 and Maven.
set -euo pipefail
cd "$(dirname "$0")/../.."
KEYS=${KEYS:-1000000}
ROUNDS=${ROUNDS:-3}
HEAP=${HEAP:-64m}

. benchmarks/redis/common.sh
PORT=$(free_port)
DIR=$(mktemp -d /tmp/telltale-fullscan-XXXX)
trap cleanup EXIT

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
start_redis
populate
redis_classpath

write_pinger

: >"$DIR/results"
for round in $(seq 1 "$ROUNDS"); do
  echo "round $round (load $(cut -d' ' -f1 /proc/loadavg))"
  measure telltale java -Xmx"$HEAP" -Xlog:gc:file="$DIR/gc.log" -cp "$CP" dev.telltale.redis.bench.FullScanBench "$PORT" 0s
  measure bigkeys redis-cli -p "$PORT" --bigkeys
  measure memkeys redis-cli -p "$PORT" --memkeys
done

echo; echo "medians over $ROUNDS rounds (wall s, PING p50/p99/max ms):"
python3 - "$DIR/results" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, *v = line.split()
    rows.setdefault(name, []).append([float(x) for x in v])
med = {n: [statistics.median(c) for c in zip(*r)] for n, r in rows.items()}
for n, m in med.items():
    print("  %-9s %6.2f s  p50 %.3f  p99 %.3f  max %.3f" % (n, *m))
t, b, k = med["telltale"], med["bigkeys"], med["memkeys"]
print("  telltale / bigkeys wall: %.2f x; / memkeys: %.2f x; PING p99 telltale %.3f vs bigkeys %.3f ms" % (t[0] / b[0], t[0] / k[0], t[2], b[2]))
PY
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
