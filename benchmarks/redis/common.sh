# Shared by run.sh, fullscan.sh and namespaces.sh (sourced from the repository root): a private redis-server on a free
# loopback port, the benchmark keyspace, and the classpath of detectors-redis. The caller sets KEYS and PORT (and HEAP for measure).

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

# write_pinger: another client's PING round trip, one per millisecond, until SIGTERM; prints p50 p99 max (ms) and count
write_pinger() {
cat >"$DIR/pinger.py" <<'PY'
import signal, socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
rtts, stop = [], [False]
signal.signal(signal.SIGTERM, lambda *a: stop.__setitem__(0, True))
while not stop[0]:
    t = time.perf_counter()
    s.sendall(b"PING\r\n")
    buf = b""
    while not buf.endswith(b"\r\n"):
        buf += s.recv(64)
    rtts.append(time.perf_counter() - t)
    time.sleep(0.001)
rtts.sort()
q = lambda p: rtts[min(len(rtts) - 1, int(p * len(rtts)))] * 1000
print("%.3f %.3f %.3f %d" % (q(0.5), q(0.99), rtts[-1] * 1000, len(rtts)))
PY
}

# measure NAME CMD...: wall seconds of CMD and the pinger's p50/p99/max (ms) during it, appended to $DIR/results
measure() {
  local name=$1; shift
  python3 "$DIR/pinger.py" "$PORT" >"$DIR/ping.out" &
  local pinger=$!
  sleep 0.3
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >"$DIR/$name.out" 2>&1 || { echo "$name failed:"; tail -20 "$DIR/$name.out"; exit 1; }
  t1=$(date +%s.%N)
  kill -TERM "$pinger"; wait "$pinger" || true
  read -r p50 p99 pmax pings <"$DIR/ping.out"
  local wall
  wall=$(python3 -c "print('%.2f' % ($t1 - $t0))")
  local extra=""
  if [[ "$name" == telltale* ]]; then
    local peak
    peak=$(grep -oE '[0-9]+M->[0-9]+M' "$DIR/gc.log" | cut -dM -f1 | sort -n | tail -1 || true)
    extra="heap before GC at most ${peak:-?} MB (max heap $HEAP); $(grep 'telltale check' "$DIR/$name.out" | cut -c1-260)"
  fi
  echo "$name $wall $p50 $p99 $pmax" >>"$DIR/results"
  printf '  %-9s %6.2f s   PING p50 %s ms  p99 %s ms  max %s ms (%s pings)  %s\n' "$name" "$wall" "$p50" "$p99" "$pmax" "$pings" "$extra"
}


# bench_setup NAME: a private server on a free port loaded with KEYS keys, the classpath, the pinger; ROUNDS, HEAP defaulted
bench_setup() {
  set -euo pipefail
  KEYS=${KEYS:-1000000}
  ROUNDS=${ROUNDS:-3}
  HEAP=${HEAP:-64m}
  PORT=$(free_port)
  DIR=$(mktemp -d "/tmp/telltale-$1-XXXX")
  trap cleanup EXIT
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  start_redis
  populate
  redis_classpath
  write_pinger
  : >"$DIR/results"
}

# medians REF...: the median of each column per tool over the rounds, then telltale's wall time over each REF's
# and its PING p99 beside the first REF's
medians() {
  echo; echo "medians over $ROUNDS rounds (wall s, PING p50/p99/max ms):"
  python3 - "$DIR/results" "$@" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, *v = line.split()
    rows.setdefault(name, []).append([float(x) for x in v])
med = {n: [statistics.median(c) for c in zip(*r)] for n, r in rows.items()}
for n, m in med.items():
    print("  %-9s %6.2f s  p50 %.3f  p99 %.3f  max %.3f" % (n, *m))
t, refs = med["telltale"], sys.argv[2:]
print("  telltale wall / " + "; / ".join("%s: %.2f x" % (r, t[0] / med[r][0]) for r in refs)
      + "; PING p99 telltale %.3f vs %s %.3f ms" % (t[2], refs[0], med[refs[0]][2]))
PY
  echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
}

# measure_telltale CLASS: measure of one JVM run of dev.telltale.redis.bench.CLASS on the server, max heap HEAP, GC logged
measure_telltale() {
  measure telltale java -Xmx"$HEAP" -Xlog:gc:file="$DIR/gc.log" -cp "$CP" "dev.telltale.redis.bench.$1" "$PORT" 0s
}

# rounds: ROUNDS times the caller's one_round, each after a line with the round and the load
rounds() {
  for round in $(seq 1 "$ROUNDS"); do
    echo "round $round (load $(cut -d' ' -f1 /proc/loadavg))"
    one_round
  done
}
