# Sourced by the benchmark scripts (never run alone): a PRIVATE PostgreSQL of the script's own, initdb'd into a
# directory under /tmp and started on a free loopback port, so that no benchmark touches a shared server.
#   private_pg_start DIR PORT <<CONF ... CONF   initdb into DIR/data, the common settings plus those on stdin, start
#   private_pg_stop DIR                          stop it at once (the caller removes DIR)
# Needs PG_BIN (the PostgreSQL binaries) set by the caller.

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

RUN=()
[ "$(id -u)" = 0 ] && RUN=(unshare -U)   # PostgreSQL refuses root; a user namespace makes it "nobody"

private_pg_start() {
  local dir=$1 port=$2
  "${RUN[@]}" "$PG_BIN/initdb" -D "$dir/data" -U postgres -A trust --no-sync >/dev/null
  {
    printf "port = %s\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '%s'\n" "$port" "$dir"
    printf 'fsync = off\nsynchronous_commit = off\n'
    cat
  } >> "$dir/data/postgresql.conf"
  "${RUN[@]}" "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start >/dev/null
}

private_pg_stop() {
  "${RUN[@]}" "$PG_BIN/pg_ctl" -D "$1/data" -m immediate -w stop >/dev/null 2>&1 || true
}

# JAR: telltale.jar as built in this repository (ROOT), unless the caller's environment names one; stops if missing.
require_jar() {
  JAR=${JAR:-$ROOT/detectors-cli/target/telltale.jar}
  [ -f "$JAR" ] || { echo "no $JAR: build it first (mvn -B -q -pl detectors-cli -am package -DskipTests)" >&2; exit 1; }
}

# For the caller's EXIT trap: stops the private servers (Redis on REDIS_PORT when set, PostgreSQL in WORK), removes WORK.
private_cleanup() {
  if [ -n "${REDIS_PORT:-}" ]; then redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true; fi
  private_pg_stop "$WORK"
  rm -rf "$WORK"
}
