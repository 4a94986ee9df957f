#!/usr/bin/env bash
# Start or stop gridmgr's private PostgreSQL + PostGIS cluster in var/ (git-ignored).
# PostgreSQL refuses to run as root, so the cluster belongs to the unprivileged 'postgres' user.
set -euo pipefail
cd "$(dirname "$0")/.."

PGVER=$(ls /usr/lib/postgresql | sort -n | tail -1)
PGBIN=/usr/lib/postgresql/$PGVER/bin
PGPORT=${GRIDMGR_PG_PORT:-54329}
DATA=$PWD/var/pgdata
LOG=$PWD/var/postgres.log
SOCK=$PWD/var/run
DBNAME=gridmgr
RUNAS=postgres

as_pg() {
  if [ "$(id -u)" = "0" ]; then runuser -u "$RUNAS" -- "$@"; else "$@"; fi
}

ensure_dirs() {
  mkdir -p var/run
  if [ "$(id -u)" = "0" ]; then
    chown "$RUNAS": var var/run
    [ -d "$DATA" ] && chown -R "$RUNAS": "$DATA"
    # The postgres user must be able to reach var/ through every parent folder.
    local d=$PWD
    while [ "$d" != "/" ]; do
      runuser -u "$RUNAS" -- test -x "$d" || chmod o+x "$d"
      d=$(dirname "$d")
    done
  fi
}

start() {
  ensure_dirs
  if [ ! -f "$DATA/PG_VERSION" ]; then
    echo "== creating private PostgreSQL cluster in var/pgdata"
    as_pg "$PGBIN/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    cat >> "$DATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PGPORT
unix_socket_directories = '$SOCK'
max_parallel_workers_per_gather = 0
shared_buffers = 512MB
work_mem = 64MB
maintenance_work_mem = 256MB
synchronous_commit = off
CONF
  fi
  if ! as_pg "$PGBIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    as_pg "$PGBIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 start >/dev/null
    echo "== PostgreSQL $PGVER running on 127.0.0.1:$PGPORT (data in var/pgdata)"
  fi
  if ! as_pg "$PGBIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -Atqc \
      "select 1 from pg_database where datname='$DBNAME'" postgres | grep -q 1; then
    as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres "$DBNAME"
  fi
  as_pg "$PGBIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -qc \
    "create extension if not exists postgis" "$DBNAME" >/dev/null
}

stop() {
  if [ -f "$DATA/PG_VERSION" ] && as_pg "$PGBIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    as_pg "$PGBIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
    echo "== PostgreSQL stopped"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
