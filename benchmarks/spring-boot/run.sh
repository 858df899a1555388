#!/usr/bin/env bash
# Requests per second of the example clinic (examples-spring-boot) with the starter on and off, in ABBA rounds:
# the same application and jar, telltale.enabled=true (A) or false (B), each round a fresh JVM against the same
# private database. Usage: benchmarks/spring-boot/run.sh [rounds=2] [threads=16] [warm-up s=20] [measure s=30]
# Needs the PostgreSQL on 127.0.0.1:5432 (user postgres); builds the example first.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-2}; threads=${2:-16}; warmup=${3:-20}; seconds=${4:-30}
db=telltale_bench_clinic
psql -h 127.0.0.1 -U postgres -d postgres -qc "drop database if exists $db" -qc "create database $db" >/dev/null
mvn -B -q -pl examples-spring-boot -am package dependency:build-classpath -DskipTests -Dcyclonedx.skip -Djapicmp.skip \
  -Dmaven.javadoc.skip -Dmaven.source.skip -Dmdep.outputFile=target/bench-classpath.txt >/dev/null
cp="examples-spring-boot/target/classes:$(cat examples-spring-boot/target/bench-classpath.txt)"
port=18080

run() { # $1 = true|false: telltale.enabled
  java -Xmx512m -cp "$cp" dev.telltale.examples.boot.ClinicApplication --server.port=$port --telltale.enabled="$1" \
    --spring.datasource.url="jdbc:postgresql://127.0.0.1:5432/$db?user=postgres" --logging.level.root=WARN \
    --logging.level.dev.telltale=ERROR >/dev/null 2>&1 &
  local pid=$!
  until curl -sf "http://127.0.0.1:$port/actuator/health" >/dev/null; do sleep 0.5; done
  local rps
  rps=$(java benchmarks/spring-boot/Load.java "http://127.0.0.1:$port" "$threads" "$warmup" "$seconds" "$pid")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "telltale.enabled=$1 $rps"
}

for ((r = 1; r <= rounds; r++)); do
  run true; run false; run false; run true
done
psql -h 127.0.0.1 -U postgres -d postgres -qc "drop database if exists $db" >/dev/null
