#!/usr/bin/env bash
# The PostgreSQL experiments work_mem (a reload) and shared_buffers (a
# restart) under smart-run against a real PostgreSQL, killed with SIGKILL
# while a variant is applied: the next run finds pending.json and puts back
# the value from before the first run (SHOW), postgresql.auto.conf
# byte-identical.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/experiment.sh"
. "$SMART_SOURCE_DIR/test/lib/postgres.sh"
[ -x "$SMART_BUILD_DIR/tools/smart-run" ] || skip "smart-run is not built"
command -v jq >/dev/null || skip "jq is not installed"
pg_need
pg_start "$TMP/pg"
auto=$TMP/pg/data/postgresql.auto.conf
cp "$auto" "$TMP/auto.before"
show() { psql -X -A -t -c "SHOW $1" 2>/dev/null; }
cat >"$TMP/smart.conf" <<CONF
BASE_DIR=$TMP/base
EXPERIMENTS_DIR=$TMP/exp
SMART_BIN_DIR=$SMART_BUILD_DIR/tools
SMART_LIBEXEC_DIR=$SMART_SOURCE_DIR/packaging
CONF
# changed: the variant's value in force (not a server down while restarting)
changed() { now=$(show "$name") && [ -n "$now" ] && [ "$now" != "$before" ]; }
same() { [ "$(show "$name")" = "$before" ] && cmp -s "$auto" "$TMP/auto.before"; }
for pair in 015_postgres_work_mem:work_mem 014_postgres_shared_buffers:shared_buffers; do
  id=${pair%%:*} name=${pair#*:}
  before=$(show "$name")
  mkdir -p "$TMP/exp"
  cp -R "$SMART_SOURCE_DIR/experiments/$id" "$TMP/exp/$id"
  jq --arg url "postgres://smart@127.0.0.1:$PGPORT/postgres" \
    '.target_url = $url | .measure_interval_sec = 0.05 | .warmup_seconds = 0.5 | .timeout_seconds = 90' \
    "$SMART_SOURCE_DIR/experiments/$id/meta.json" >"$TMP/exp/$id/meta.json"
  exp_kill9_recovery "$id" "$TMP/smart.conf" changed same
  rm -rf "$TMP/exp"
done
