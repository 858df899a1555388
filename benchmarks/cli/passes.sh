#!/usr/bin/env sh
# What one `telltale check` costs a PostgreSQL: transactions, data queries, their server time and the wall time, per
# check, counted by the server itself. Each check runs against a database of its own (created, optionally filled with TABLES tables, and
# dropped), so pg_stat_database's rollbacks (every detection transaction ends in a rollback) and pg_stat_statements'
# calls in that database are the check's alone.
#   benchmarks/cli/passes.sh [JAR] [WINDOW] [TABLES] [RUNS]
# defaults: detectors-cli/target/telltale.jar, 0s, 0, 3. Needs psql and pg_stat_statements on the server
# ($PGHOST/$PGPORT/$PGUSER, default 127.0.0.1:5432 postgres).
set -e
here=$(cd "$(dirname "$0")/../.." && pwd)
jar=${1:-$here/detectors-cli/target/telltale.jar}
window=${2:-0s}
tables=${3:-0}
runs=${4:-3}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
db=telltale_passes_$$
psql -qAt -d postgres -c "create database $db"
trap 'psql -qAt -d postgres -c "drop database if exists $db with (force)"' EXIT
psql -qAt -d "$db" -c "create extension if not exists pg_stat_statements"
if [ "$tables" -gt 0 ]; then
  psql -qAt -d "$db" -c "do \$\$ begin for i in 1..$tables loop
    execute format('create table t%s (id bigint primary key, v text)', i); end loop; end \$\$"
fi
url="postgresql://$PGHOST:$PGPORT/$db?user=$PGUSER"
counts() {
  psql -qAt -d postgres -c "select (select xact_rollback from pg_stat_database where datname = '$db'),
    (select coalesce(sum(calls), 0) || ' ' || round(coalesce(sum(total_exec_time), 0))
     from pg_stat_statements s join pg_database d on d.oid = s.dbid
     where d.datname = '$db' and s.query like '%telltale%' and s.query not like '%set transaction read only%'
       and s.query not like '%set application_name%')"
}
echo "jar $(basename "$jar"), window $window, $tables tables, load average $(cut -d' ' -f1-3 /proc/loadavg)"
i=0
while [ $i -lt "$runs" ]; do
  set -- $(counts | tr '|' ' ')
  t0=$(date +%s%N)
  java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar "$jar" check --postgres "$url" --window "$window" \
    --format json >/dev/null || true
  t1=$(date +%s%N)
  set -- "$@" $(counts | tr '|' ' ')
  echo "  transactions $(($4 - $1)), data queries $(($5 - $2)), server $(($6 - $3)) ms, wall $(((t1 - t0) / 1000000)) ms"
  i=$((i + 1))
done
