# Shared by run.sh and fullscan.sh (sourced from the repository root): a private redis-server on a free
# loopback port, the benchmark keyspace, and the classpath of detectors-redis. The caller sets KEYS and PORT.

. benchmarks/common.sh

PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$DIR"; }

# start_redis [prefix command...]: the server in the foreground of a background job, until it answers
start_redis() {
  "$@" redis-server --port "$PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$DIR" --enable-debug-command local \
    --daemonize no --logfile "$DIR/redis.log" &
  PIDS+=($!)
  until redis-cli -p "$PORT" ping >/dev/null 2>&1; do sleep 0.1; done
}

# KEYS keys: DEBUG POPULATE strings of 64 bytes, plus 1,000 each of 20-element hashes, lists, sets and zsets
populate() {
  echo "loading $KEYS keys (DEBUG POPULATE strings, plus 1,000 each of 20-element hashes, lists, sets and zsets)"
  redis-cli -p "$PORT" debug populate $((KEYS - 4000)) bench:str 64 >/dev/null
  python3 - <<'PY' | redis-cli -p "$PORT" --pipe >/dev/null
import sys
def cmd(*a):
    out = "*%d\r\n" % len(a)
    for x in a:
        x = str(x); out += "$%d\r\n%s\r\n" % (len(x.encode()), x)
    sys.stdout.write(out)
for i in range(1000):
    cmd("HSET", "bench:hash:%d" % i, *sum((["f%d" % j, "v"] for j in range(20)), []))
    cmd("RPUSH", "bench:list:%d" % i, *range(20))
    cmd("SADD", "bench:set:%d" % i, *range(20))
    cmd("ZADD", "bench:zset:%d" % i, *sum(([j, "m%d" % j] for j in range(20)), []))
PY
  echo "dbsize: $(redis-cli -p "$PORT" dbsize)"
}

# CP: the test classpath of detectors-redis; one reactor invocation, so that detectors-core resolves to its
# target/classes (we never mvn install)
redis_classpath() {
  mvn -B -q -pl detectors-redis -am test-compile dependency:build-classpath -Dmdep.outputFile="$DIR/cp.txt" -Dmdep.includeScope=test >/dev/null
  CP="detectors-redis/target/test-classes:detectors-redis/target/classes:$(cat "$DIR/cp.txt")"
}
