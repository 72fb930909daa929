#!/usr/bin/env bash
# The PostgreSQL experiments 014-018 on a real PostgreSQL, as a role with
# only the grants the helper documents (no superuser): every variant is set
# with ALTER SYSTEM and read back with SHOW (shared_buffers through a
# restart); revert puts back the exact value from before the run, also
# after two variants: a value from postgresql.conf or the default by ALTER
# SYSTEM RESET (postgresql.auto.conf byte-identical afterwards), a value set
# earlier with ALTER SYSTEM by setting it again; settings off the list and
# values out of range change nothing; check fails while a change waits for
# a restart, or when the server is down.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/postgres.sh"
pg_need
command -v jq >/dev/null || skip "jq is not installed"
export SMART_LIBEXEC_DIR=$SMART_SOURCE_DIR/packaging
pg_start "$TMP/pg"
expect_eq "$(pg_super "SELECT rolsuper FROM pg_roles WHERE rolname = 'smart'")" f "smart is no superuser"
auto=$TMP/pg/data/postgresql.auto.conf
cp "$auto" "$TMP/auto.before"
show() { psql -X -A -t -c "SHOW $1"; }
P=$SMART_SOURCE_DIR/packaging/postgres-experiment

variants() {
  local id=$1 name=$2 before n i value
  before=$(show "$name")
  export SMART_RUN_DIR=$TMP/run/$id
  mkdir -p "$SMART_RUN_DIR"
  cd "$SMART_SOURCE_DIR/experiments/$id"
  expect_exit 0 sh postgres.sh check
  n=$(jq '.variants | length' meta.json)
  for ((i = 1; i < n; i++)); do
    [ "$(jq -r ".variants[$i].apply[2]" meta.json)" = "$name" ] || fail "$id: variant $i is not about $name"
    value=$(jq -r ".variants[$i].apply[4]" meta.json)
    expect_exit 0 sh postgres.sh "$name" apply "$value"
    expect_eq "$(show "$name")" "$value" "$name after applying"
    expect_exit 0 sh postgres.sh check
  done
  expect_eq "$(cat "$SMART_RUN_DIR/postgres.$name.orig")" "file $before" "stored value"
  expect_exit 0 sh postgres.sh "$name" revert
  expect_eq "$(show "$name")" "$before" "$name after revert"
  cmp "$auto" "$TMP/auto.before" || fail "$id: postgresql.auto.conf differs after the revert"
  # a second revert (smart-run may run it twice) changes nothing
  expect_exit 0 sh postgres.sh "$name" revert
  expect_eq "$(show "$name")" "$before" "$name after a second revert"
  cd "$TMP"
}
pid_before=$(pg_super "SELECT pg_postmaster_start_time()")
variants 015_postgres_work_mem work_mem
variants 016_postgres_random_page_cost random_page_cost
variants 017_postgres_effective_io_concurrency effective_io_concurrency
variants 018_postgres_synchronous_commit synchronous_commit
expect_eq "$(pg_super "SELECT pg_postmaster_start_time()")" "$pid_before" "a reload setting restarted the server"
variants 014_postgres_shared_buffers shared_buffers
[ "$(pg_super "SELECT pg_postmaster_start_time()")" != "$pid_before" ] || fail "shared_buffers changed without a restart"
expect_eq "$(jq -r .risk "$SMART_SOURCE_DIR/experiments/018_postgres_synchronous_commit/meta.json")" durability
expect_eq "$(jq -r .risk "$SMART_SOURCE_DIR/experiments/014_postgres_shared_buffers/meta.json")" availability

# a value set before the run with ALTER SYSTEM comes back the same way
pg_super "ALTER SYSTEM SET work_mem = '8MB'" && pg_super "SELECT pg_reload_conf()" >/dev/null
wait_for test "$(show work_mem)" = 8MB
cp "$auto" "$TMP/auto.8mb"
export SMART_RUN_DIR=$TMP/run/auto && mkdir -p "$SMART_RUN_DIR"
expect_exit 0 "$P" apply work_mem 64MB
expect_eq "$(cat "$SMART_RUN_DIR/postgres.work_mem.orig")" "auto 8MB" "stored value"
expect_exit 0 "$P" revert work_mem
expect_eq "$(show work_mem)" 8MB
cmp "$auto" "$TMP/auto.8mb" || fail "postgresql.auto.conf differs after restoring 8MB"

# refusals: nothing changes, nothing is stored
export SMART_RUN_DIR=$TMP/run/refuse && mkdir -p "$SMART_RUN_DIR"
expect_exit 2 "$P" apply max_connections 500
expect_in "$TMP/err" "not one of the settings"
expect_exit 2 "$P" apply work_mem 4TB
expect_exit 2 "$P" apply work_mem 1024kB
expect_in "$TMP/err" "write it as PostgreSQL shows it: 1MB"
expect_exit 2 "$P" apply shared_buffers 8MB
expect_in "$TMP/err" "16MB-64GB"
expect_exit 2 "$P" apply random_page_cost 1.10
expect_exit 2 "$P" apply random_page_cost "1'; DROP TABLE x; --"
expect_exit 2 "$P" apply effective_io_concurrency 5000
expect_exit 2 "$P" apply synchronous_commit maybe
expect_eq "$(show work_mem)" 8MB "work_mem after refusals"
[ -z "$(ls "$SMART_RUN_DIR")" ] || fail "a refused apply stored something: $(ls "$SMART_RUN_DIR")"

# check: a change that waits for a restart fails it
pg_super "ALTER SYSTEM SET shared_buffers = '48MB'" && pg_super "SELECT pg_reload_conf()" >/dev/null
pending() { [ "$(pg_super "SELECT pending_restart FROM pg_settings WHERE name = 'shared_buffers'")" = t ]; }
wait_for pending
expect_exit 1 "$P" check
expect_in "$TMP/err" "shared_buffers: changed but waiting for a restart"
pg_super "ALTER SYSTEM RESET shared_buffers" && pg_super "SELECT pg_reload_conf()" >/dev/null

# a PostgreSQL that is down: check fails
pg_stop "$TMP/pg"
expect_exit 1 "$P" check
