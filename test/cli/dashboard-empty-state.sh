#!/usr/bin/env bash
# Before the first run (no state directory at all) the page says so, health
# is ok with no last run, and the exit code is 0.
. "$(dirname "$0")/../lib/common.sh"

cat >"$TMP/smart.conf" <<CONF
BASE_DIR=$TMP/nothing-yet
DASH_DIR=$TMP/www
DASH_ASSETS_DIR=$SMART_SOURCE_DIR/dashboard
CONF
expect_exit 0 smart-dashboard --config "$TMP/smart.conf"
expect_in "$TMP/www/index.html" "No run yet"
jq -e '.status == "ok" and .last_run_at == null and .consecutive_failures == 0' "$TMP/www/health.json" >/dev/null \
  || fail "health.json: $(cat "$TMP/www/health.json")"
expect_eq "$(jq length "$TMP/www/history.json")" "0"
[ ! -e "$TMP/www/state.json" ] || fail "state.json written without a state"
[ ! -s "$TMP/err" ] || { _show; fail "warnings for an empty state"; }

expect_exit 0 smart-dashboard --config "$TMP/smart.conf" --text
expect_in "$TMP/out" "none yet"
