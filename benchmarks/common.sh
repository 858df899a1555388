# Shared by the benchmark scripts (sourced): a free loopback port, and a PRIVATE PostgreSQL server (initdb under
# $WORK/data on a port of its own, never a shared server) for those that need one. The caller sets PG_BIN and WORK.

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

RUN=()
[ "$(id -u)" = 0 ] && RUN=(unshare -U)   # PostgreSQL refuses root; a user namespace makes it "nobody"

# private_pg_start PORT: initdb, settings for a throwaway benchmark server plus those on stdin, start, wait
private_pg_start() {
  "${RUN[@]}" "$PG_BIN/initdb" -D "$WORK/data" -U postgres -A trust --no-sync >/dev/null
  cat >> "$WORK/data/postgresql.conf" <<CONF
port = $1
listen_addresses = '127.0.0.1'
unix_socket_directories = '$WORK'
fsync = off
synchronous_commit = off
shared_preload_libraries = 'pg_stat_statements'
max_locks_per_transaction = 1024
autovacuum = off
CONF
  cat >> "$WORK/data/postgresql.conf"
  "${RUN[@]}" "$PG_BIN/pg_ctl" -D "$WORK/data" -l "$WORK/server.log" -w start >/dev/null
}

# private_pg_stop: stops the server at once (for cleanup traps; quiet, never fails)
private_pg_stop() {
  "${RUN[@]}" "$PG_BIN/pg_ctl" -D "$WORK/data" -m immediate -w stop >/dev/null 2>&1 || true
}
