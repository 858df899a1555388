#!/usr/bin/env bash
# The namespace walk of 1,000,000 keys (numbers go in benchmarks/redis/RESULTS.md): a one-shot check of
# redis.namespaces alone (NamespaceWalkBench: the shared key walk reading MEMORY USAGE and PTTL of every key, folded
# into at most redis.namespaces.max-prefixes namespaces) beside `redis-cli --memkeys` on the same data, interleaved,
# ROUNDS rounds. For each run: wall time of the process (JVM start included), another client's PING round trip
# (p50/p99/max, one PING per millisecond) while it runs, and for Telltale the JVM heap: max heap HEAP (default 64 MB,
# so finishing proves it fits) and -Xlog:gc, whose largest heap-before-GC is printed. Goals: <= 1.0 x redis-cli's
# time, <= 64 MB heap. Starts its own redis-server on a free loopback port and stops it on exit; never touches :6379.
# Needs: redis-server, redis-cli (redis-tools), python3, a JDK 17 and Maven.
cd "$(dirname "$0")/../.."
. benchmarks/redis/common.sh
bench_setup namespaces
one_round() {
  measure_telltale NamespaceWalkBench
  grep '^note: ' "$DIR/telltale.out" | cut -c1-400 | sed 's/^/            /'
  measure memkeys redis-cli -p "$PORT" --memkeys
}
rounds
medians memkeys
