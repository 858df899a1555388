#!/usr/bin/env bash
# The full-keyspace one-shot check (numbers go in benchmarks/redis/RESULTS.md): Telltale's default check of a
# target holding 1,000,000 keys (every per-node detector; big-keys, hot-keys, ttl-hygiene and streams share one
# walk of the whole keyspace) beside `redis-cli --bigkeys` and `redis-cli --memkeys` on the same data,
# interleaved, ROUNDS rounds. For each run: wall time of the process, another client's PING round trip
# (p50/p99/max, one PING per millisecond) while it runs, and for Telltale the JVM heap: it runs with a max heap
# of 64 MB (-Xmx64m, so finishing proves it fits) and -Xlog:gc, whose largest heap-before-GC is printed.
# Starts its own redis-server on a free loopback port and stops it on exit; never touches :6379.
# Needs: redis-server, redis-cli (redis-tools), python3, a JDK 17 and Maven.
cd "$(dirname "$0")/../.."
. benchmarks/redis/common.sh
bench_setup fullscan
one_round() {
  measure_telltale FullScanBench
  measure bigkeys redis-cli -p "$PORT" --bigkeys
  measure memkeys redis-cli -p "$PORT" --memkeys
}
rounds
medians bigkeys memkeys
