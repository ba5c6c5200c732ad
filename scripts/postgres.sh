#!/usr/bin/env bash
# A private PostgreSQL server for the tests and the bench: its own folder, port and socket; the system's cluster is
# not touched. Debian's initdb refuses root, so as root the server runs as the postgres user.
#   scripts/postgres.sh start   prints the server's connection string (superuser postgres, trust on loopback)
#   scripts/postgres.sh stop
#   scripts/postgres.sh status  exit code 0 when the server runs
# PORTAL_PG_DIR (default /tmp/credportal-pg) and PORTAL_PG_PORT (default 55432) move it.
set -euo pipefail
dir=${PORTAL_PG_DIR:-/tmp/credportal-pg}
port=${PORTAL_PG_PORT:-55432}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$bin" ]; then
  echo "PostgreSQL is not installed (apt-get install -y postgresql)." >&2
  exit 1
fi

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-start}" in
  start)
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      mkdir -p "$dir"
      if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$dir"; fi
      as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log"
    fi
    if ! as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
      as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=400 -c shared_buffers=256MB" start >/dev/null
    fi
    echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
    ;;
  stop)
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
    ;;
  status)
    as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1
    ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
