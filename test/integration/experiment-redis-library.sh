#!/usr/bin/env bash
# The Redis experiments 012-013 on a real redis-server: every variant is
# set with CONFIG SET and read back; revert puts back the exact CONFIG GET
# value from before the run, also after two variants; redis.conf is not
# written (byte-identical) unless REDIS_REWRITE=1 asks for it; settings
# Redis reads only at start, and values out of range, change nothing.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/redis.sh"
redis_need
command -v jq >/dev/null || skip "jq is not installed"
export SMART_LIBEXEC_DIR=$SMART_SOURCE_DIR/packaging
redis_start "$TMP/redis"
cp -p "$REDIS_CONF" "$TMP/conf.before"
R=$SMART_SOURCE_DIR/packaging/redis-experiment
rget() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" --raw CONFIG GET "$1" | sed -n 2p; }

variants() {
  local id=$1 name=$2 before n i value
  before=$(rget "$name")
  export SMART_RUN_DIR=$TMP/run/$id
  mkdir -p "$SMART_RUN_DIR"
  cd "$SMART_SOURCE_DIR/experiments/$id"
  expect_exit 0 sh redis.sh check
  n=$(jq '.variants | length' meta.json)
  for ((i = 1; i < n; i++)); do
    value=$(jq -r ".variants[$i].apply[3]" meta.json)
    expect_exit 0 sh redis.sh apply "$value"
    expect_eq "$(rget "$name")" "$value" "$name after applying"
  done
  expect_eq "$(cat "$SMART_RUN_DIR/redis.$name.orig")" "$before" "stored value"
  expect_exit 0 sh redis.sh revert
  expect_eq "$(rget "$name")" "$before" "$name after revert"
  cd "$TMP"
}
variants 012_redis_hz hz
variants 013_redis_appendfsync appendfsync
expect_eq "$(jq -r .risk "$SMART_SOURCE_DIR/experiments/013_redis_appendfsync/meta.json")" durability
cmp "$REDIS_CONF" "$TMP/conf.before" || fail "redis.conf written without REDIS_REWRITE=1"

# refusals: nothing changes
export SMART_RUN_DIR=$TMP/run/refuse && mkdir -p "$SMART_RUN_DIR"
expect_exit 2 "$R" apply io-threads 4
expect_in "$TMP/err" "only at start"
expect_exit 2 "$R" apply tcp-backlog 4096
expect_exit 2 "$R" apply hz 100000
expect_in "$TMP/err" "must be 1-500"
expect_exit 2 "$R" apply dir /tmp
expect_in "$TMP/err" "not one of the settings"
expect_exit 2 "$R" apply appendfsync sometimes
expect_eq "$(rget hz)" 10 "hz after refusals"
[ -z "$(ls "$SMART_RUN_DIR")" ] || fail "a refused apply stored something: $(ls "$SMART_RUN_DIR")"

# REDIS_REWRITE=1: the change is written to redis.conf, and the revert too
export SMART_RUN_DIR=$TMP/run/rewrite && mkdir -p "$SMART_RUN_DIR"
REDIS_REWRITE=1 expect_exit 0 "$R" apply hz 50
expect_in "$REDIS_CONF" "hz 50"
REDIS_REWRITE=1 expect_exit 0 "$R" revert hz
expect_in "$REDIS_CONF" "hz 10"
expect_eq "$(rget hz)" 10

# a Redis that is down: check fails, apply changes nothing
redis_stop "$TMP/redis"
expect_exit 1 "$R" check
