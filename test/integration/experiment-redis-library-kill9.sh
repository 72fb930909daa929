#!/usr/bin/env bash
# The Redis experiments 012-013 under smart-run against a real redis-server,
# killed with SIGKILL while a variant is applied: the next run finds
# pending.json and sets back the CONFIG GET value from before the first run;
# redis.conf is never written.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/experiment.sh"
. "$SMART_SOURCE_DIR/test/lib/redis.sh"
[ -x "$SMART_BUILD_DIR/tools/smart-run" ] || skip "smart-run is not built"
command -v jq >/dev/null || skip "jq is not installed"
redis_need
redis_start "$TMP/redis"
cp -p "$REDIS_CONF" "$TMP/conf.before"
rget() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" --raw CONFIG GET "$1" | sed -n 2p; }
cat >"$TMP/smart.conf" <<CONF
BASE_DIR=$TMP/base
EXPERIMENTS_DIR=$TMP/exp
SMART_BIN_DIR=$SMART_BUILD_DIR/tools
SMART_LIBEXEC_DIR=$SMART_SOURCE_DIR/packaging
REDIS_HOST=127.0.0.1
REDIS_PORT=$REDIS_PORT
CONF
changed() { [ "$(rget "$name")" != "$before" ]; }
same() { [ "$(rget "$name")" = "$before" ]; }
for pair in 012_redis_hz:hz 013_redis_appendfsync:appendfsync; do
  id=${pair%%:*} name=${pair#*:}
  before=$(rget "$name")
  mkdir -p "$TMP/exp"
  cp -R "$SMART_SOURCE_DIR/experiments/$id" "$TMP/exp/$id"
  jq --arg url "redis://127.0.0.1:$REDIS_PORT/PING" '.target_url = $url | .measure_interval_sec = 0.05' \
    "$SMART_SOURCE_DIR/experiments/$id/meta.json" >"$TMP/exp/$id/meta.json"
  exp_kill9_recovery "$id" "$TMP/smart.conf" changed same
  rm -rf "$TMP/exp"
done
cmp "$REDIS_CONF" "$TMP/conf.before" || fail "redis.conf was written"
