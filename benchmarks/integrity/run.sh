#!/usr/bin/env bash
# Rows per second and server CPU of the integrity.duplicates and integrity.orphans checks in ranged mode on
# 10,000,000-row tables, with a concurrent write load; lock conflicts counted. Creates and drops its own
# database on the server given (default: the local one); never part of the test suite.
#
#   benchmarks/integrity/run.sh [admin-jdbc-url]      (from the repository root, after building benchmarks:
#   mvn -B -q -pl benchmarks -am package -DskipTests)
set -euo pipefail
cd "$(dirname "$0")/../.."
HOST=${PGHOST:-127.0.0.1}; PORT=${PGPORT:-5432}; USER_=${PGUSER:-postgres}
DB=telltale_bench_integrity
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h "$HOST" -p "$PORT" -U "$USER_")
cleanup() { "${PSQL[@]}" -d postgres -c "drop database if exists $DB with (force)" >/dev/null 2>&1 || true; }
if [[ "${KEEP:-}" != "1" ]]; then trap cleanup EXIT; fi
if ! "${PSQL[@]}" -d postgres -Atc "select 1 from pg_database where datname = '$DB'" | grep -q 1; then
  "${PSQL[@]}" -d postgres -c "create database $DB"
  echo "loading (a few minutes)..."
  "${PSQL[@]}" -d "$DB" -f benchmarks/integrity/load.sql
fi
CP="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
java -cp "$CP" dev.telltale.benchmarks.integrity.IntegrityScan \
  "jdbc:postgresql://$HOST:$PORT/$DB?user=$USER_" "${CHUNK:-100000}" "${WRITERS:-4}"
