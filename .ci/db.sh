#!/usr/bin/env bash
# Start or stop gridmgr's private PostgreSQL + PostGIS cluster in var/ (git-ignored).
# PostgreSQL refuses to run as root, so the cluster belongs to the unprivileged 'postgres' user.
set -euo pipefail
cd "$(dirname "$0")/.."

PGVER=$(ls /usr/lib/postgresql | sort -n | tail -1)
PGBIN=/usr/lib/postgresql/$PGVER/bin
DEFAULT_PORT=54329
# The port the cluster was last started on; gridmgr/settings.py reads it when GRIDMGR_PG_PORT is
# unset, so manage.py and the tests find the cluster wherever it had to go.
PORT_FILE=$PWD/var/pgport
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

die() { echo "$*" >&2; exit 1; }

# Something listens on 127.0.0.1:$1 (another checkout's cluster, another PostgreSQL, …).
port_in_use() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

# The port this checkout's cluster runs on now (line 4 of postmaster.pid), or nothing.
running_port() {
  if [ -f "$DATA/PG_VERSION" ] && as_pg "$PGBIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    sed -n 4p "$DATA/postmaster.pid"
  fi
}

# Sets PGPORT: the running cluster's port; else GRIDMGR_PG_PORT, which must be free; else the
# remembered or default port, or the first free one after it when another program holds it.
choose_port() {
  local running want
  running=$(running_port)
  if [ -n "$running" ]; then
    if [ -n "${GRIDMGR_PG_PORT:-}" ] && [ "$GRIDMGR_PG_PORT" != "$running" ]; then
      die "== 私有数据库已在端口 $running 上运行；先执行 make db-stop 再换端口 /" \
        "the private cluster already runs on port $running: make db-stop first to change it"
    fi
    PGPORT=$running
    return
  fi
  if [ -n "${GRIDMGR_PG_PORT:-}" ]; then
    PGPORT=$GRIDMGR_PG_PORT
    if port_in_use "$PGPORT"; then
      die "== 端口 $PGPORT 已被其他程序占用；请换一个端口，例如 GRIDMGR_PG_PORT=$((PGPORT + 1)) make test /" \
        "port $PGPORT is taken by another program: choose another, e.g. GRIDMGR_PG_PORT=$((PGPORT + 1)) make test"
    fi
    return
  fi
  want=$(cat "$PORT_FILE" 2>/dev/null || echo "$DEFAULT_PORT")
  PGPORT=$want
  while port_in_use "$PGPORT"; do
    PGPORT=$((PGPORT + 1))
    [ "$PGPORT" -le $((want + 100)) ] || die "== 端口 $want–$PGPORT 都被占用 / ports $want–$PGPORT are all taken: set GRIDMGR_PG_PORT"
  done
  if [ "$PGPORT" != "$want" ]; then
    echo "== 端口 $want 已被其他程序占用，私有数据库改用 $PGPORT（记在 var/pgport）/" \
      "port $want is taken by another program (another checkout's cluster?): the private" \
      "cluster uses $PGPORT instead (remembered in var/pgport; GRIDMGR_PG_PORT=NNNN chooses one)"
  fi
}

start() {
  ensure_dirs
  choose_port
  if [ ! -f "$DATA/PG_VERSION" ]; then
    echo "== creating private PostgreSQL cluster in var/pgdata"
    as_pg "$PGBIN/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    cat >> "$DATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$SOCK'
max_parallel_workers_per_gather = 0
shared_buffers = 512MB
work_mem = 64MB
maintenance_work_mem = 256MB
synchronous_commit = off
CONF
  fi
  if ! as_pg "$PGBIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    # The port on the command line: it overrides the one older clusters wrote in their conf.
    if ! as_pg "$PGBIN/pg_ctl" -D "$DATA" -l "$LOG" -o "-p $PGPORT" -w -t 60 start >/dev/null; then
      tail -5 "$LOG" >&2
      die "== 私有数据库无法在端口 $PGPORT 上启动（见 var/postgres.log）/ the private cluster" \
        "could not start on port $PGPORT (see var/postgres.log); GRIDMGR_PG_PORT=NNNN chooses another"
    fi
    echo "== PostgreSQL $PGVER running on 127.0.0.1:$PGPORT (data in var/pgdata)"
  fi
  echo "$PGPORT" > "$PORT_FILE"
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
