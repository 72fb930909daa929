# A throwaway PostgreSQL on 127.0.0.1: its own cluster (initdb), config,
# log and unix socket in a directory of ours, never the machine's.
# PostgreSQL refuses to run as root: as root, the cluster belongs to the
# user `postgres` (Debian's package creates it) or else `nobody`.
# Sourced after common.sh.
#
#   pg_need                 fails unless initdb, pg_ctl and psql are installed
#                           (packaging/install-deps.sh --tests installs them)
#   pg_start DIR            initdb DIR/data, listen on 127.0.0.1:<free port> and a
#                           socket in DIR, start, wait until it answers; a role
#                           `smart` with exactly the grants the shipped experiments
#                           need (no superuser); exports PGHOST PGPORT PGUSER=smart
#                           PGDATABASE=postgres and PG_RESTART (a restart through
#                           pg_ctl); stopped at exit
#   pg_super SQL            runs SQL as the superuser
#   pg_stop DIR             stops it
pg_need() {
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ] && [ -x "$PG_BIN/pg_ctl" ] ||
    fail "PostgreSQL's initdb and pg_ctl are not installed (packaging/install-deps.sh --tests: postgresql)"
  command -v psql >/dev/null || fail "psql is not installed (packaging/install-deps.sh --tests)"
}

# pg_as CMD...: CMD as the cluster's owner
pg_as() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u "$PG_OWNER" -- "$@"
  else
    "$@"
  fi
}

pg_start() {
  local dir=$1 i
  PG_OWNER=$(id -un)
  if [ "$(id -u)" -eq 0 ]; then
    PG_OWNER=nobody
    id postgres >/dev/null 2>&1 && PG_OWNER=postgres
  fi
  PG_DIR=$dir
  mkdir -p "$dir"
  chmod 755 "$TMP"
  chown "$PG_OWNER" "$dir"
  PGPORT=$(free_port)
  pg_as "$PG_BIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-sync >"$TMP/initdb.log" 2>&1 ||
    fail "initdb failed: $(tail -5 "$TMP/initdb.log")"
  pg_as tee -a "$dir/data/postgresql.conf" >/dev/null <<CONF
listen_addresses = '127.0.0.1'
port = $PGPORT
unix_socket_directories = '$dir'
max_connections = 20
shared_buffers = 32MB
CONF
  on_exit pg_stop "$dir"
  pg_as "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 start >/dev/null ||
    fail "PostgreSQL did not start; see $dir/postgres.log"
  PGHOST=127.0.0.1
  PGDATABASE=postgres
  PG_RESTART="$(command -v runuser) -u $PG_OWNER -- $PG_BIN/pg_ctl -D $dir/data -l $dir/postgres.log -w -t 60 -m fast restart"
  [ "$(id -u)" -eq 0 ] || PG_RESTART="$PG_BIN/pg_ctl -D $dir/data -l $dir/postgres.log -w -t 60 -m fast restart"
  export PGHOST PGPORT PGDATABASE PG_RESTART
  pg_super "CREATE ROLE smart LOGIN;
    GRANT ALTER SYSTEM ON PARAMETER shared_buffers, work_mem, random_page_cost,
      effective_io_concurrency, synchronous_commit TO smart;
    GRANT EXECUTE ON FUNCTION pg_reload_conf() TO smart;
    GRANT pg_read_all_settings TO smart;" >/dev/null
  export PGUSER=smart
}

pg_super() {
  PGUSER=postgres psql -X -A -t -q -v ON_ERROR_STOP=1 -c "$1"
}

pg_stop() {
  local dir=$1
  [ -f "$dir/data/postmaster.pid" ] || return 0
  pg_as "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
}
