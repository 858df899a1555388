# Shared by the PostgreSQL benchmark scripts (sourced): a PRIVATE PostgreSQL server on a free loopback port with
# pg_stat_statements preloaded, a schema of many tables, distinct statements, and postgres_exporter beside it.
# Never the machine's shared server. The caller sets PG_BIN and traps its own cleanup.

# shellcheck source=../common.sh
. "$(dirname "${BASH_SOURCE[0]}")/../common.sh"

PG_RUN=()
[ "$(id -u)" = 0 ] && PG_RUN=(unshare -U)   # PostgreSQL refuses root; a user namespace makes it "nobody"

# pg_init DATA_DIR [extra postgresql.conf lines...]: initdb with the settings every benchmark uses (no port: pg_start sets it)
pg_init() {
  local data=$1; shift
  "${PG_RUN[@]}" "$PG_BIN/initdb" -D "$data" -U postgres -A trust --no-sync >/dev/null
  {
    echo "listen_addresses = '127.0.0.1'"
    echo "fsync = off"
    echo "synchronous_commit = off"
    echo "shared_preload_libraries = 'pg_stat_statements'"
    echo "max_locks_per_transaction = 1024"
    echo "autovacuum = off"
    printf '%s\n' "$@"
  } >> "$data/postgresql.conf"
}

# pg_start DATA_DIR PORT: start the server on 127.0.0.1:PORT, its socket and log in the data directory's parent;
# sets PSQL to a psql command line for it
pg_start() {
  local data=$1 port=$2
  "${PG_RUN[@]}" "$PG_BIN/pg_ctl" -D "$data" -l "$(dirname "$data")/server.log" \
    -o "-p $port -k $(dirname "$data")" -w -t 300 start >/dev/null
  PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres)
}

pg_stop() { "${PG_RUN[@]}" "$PG_BIN/pg_ctl" -D "$1" -m fast -w -t 300 stop >/dev/null 2>&1 || true; }

# make_tables DB TABLES [PARTITIONS PARENTS]: TABLES tables with a primary key and one secondary index each;
# PARTITIONS of them are range partitions of PARENTS partitioned parents (which carry the two indexes), so the
# database has 2 * TABLES + 2 * PARENTS indexes. Commits every 500 tables.
make_tables() {
  local db=$1 tables=$2 parts=${3:-0} parents=${4:-0}
  "${PSQL[@]}" -d "$db" <<SQL
do \$\$ begin
  for p in 1..$parents loop
    execute format('create table p%s (id int primary key, v int, note text) partition by range (id)', p);
    execute format('create index p%s_v on p%s (v)', p, p);
  end loop;
  commit;
  for k in 1..$parts loop
    execute format('create table p%s_%s partition of p%s for values from (%s) to (%s)',
                   (k - 1) % $parents + 1, k, (k - 1) % $parents + 1, ((k - 1) / $parents) * 1000, ((k - 1) / $parents + 1) * 1000);
    if k % 500 = 0 then commit; end if;
  end loop;
  commit;
  for i in 1..$((tables - parts)) loop
    execute format('create table t%s (id int primary key, v int, note text)', i);
    execute format('create index t%s_v on t%s (v)', i, i);
    if i % 500 = 0 then commit; end if;
  end loop;
end \$\$;
SQL
}

# make_statements DB N: N distinct statements in pg_stat_statements (one lookup on each of the first N plain tables)
make_statements() {
  local db=$1 n=$2 work
  work=$(mktemp)
  for i in $(seq 1 "$n"); do echo "select v from t$i where id = 1;"; done > "$work"
  "${PSQL[@]}" -d "$db" -f "$work" >/dev/null
  rm -f "$work"
}

# exporter_queries OUT: the exporter package's example queries.yaml, its pg_stat_statements columns renamed for 13+
exporter_queries() {
  sed -e '/^pg_stat_statements:/,/^[a-z_]*:$/ s/\b\(total\|min\|max\|mean\|stddev\)_time\b/\1_exec_time/g' \
      /usr/share/doc/prometheus-postgres-exporter/examples/queries.yaml > "$1"
}

# exporter_start DSN PORT LOG [--extend.query-path=...]: postgres_exporter on 127.0.0.1:PORT until it answers;
# sets EXPORTER_PID
exporter_start() {
  local dsn=$1 port=$2 log=$3; shift 3
  DATA_SOURCE_NAME=$dsn prometheus-postgres-exporter --web.listen-address="127.0.0.1:$port" --log.level=error "$@" \
    > "$log" 2>&1 &
  EXPORTER_PID=$!
  for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && return 0; sleep 0.1; done
  echo "postgres_exporter did not answer on $port (see $log)" >&2
  return 1
}

# role_stats DB ROLE: "server_ms calls rows" of ROLE's statements in pg_stat_statements (execution + planning)
role_stats() {
  "${PSQL[@]}" -d "$1" -Atc "select round(coalesce(sum(total_exec_time + total_plan_time), 0)::numeric, 1) || ' '
      || coalesce(sum(calls), 0) || ' ' || coalesce(sum(rows), 0)
    from pg_stat_statements s join pg_roles r on r.oid = s.userid where r.rolname = '$2'"
}
