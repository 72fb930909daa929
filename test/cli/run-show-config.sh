#!/usr/bin/env bash
# --show-config prints every value with its origin: command line >
# environment > file > default; secrets are never shown.
. "$(dirname "$0")/../lib/common.sh"
cat >"$TMP/smart.conf" <<CONF
BASE_DIR=$TMP/base
IMPROVE_PCT=7
COOLDOWN_SECONDS=5
EXPERIMENT_SECNDS=3
CONF
COOLDOWN_SECONDS=9 COACH_TOKEN=s3cret expect_exit 0 smart-run --config "$TMP/smart.conf" --show-config
expect_in "$TMP/out" "($TMP/smart.conf:2) IMPROVE_PCT = \"7\""
expect_in "$TMP/out" "(environment) COOLDOWN_SECONDS = \"9\""
expect_in "$TMP/out" "(default) MAX_ERR_DELTA_PCT = \"2\""
expect_in "$TMP/out" "(default) STATE_FILE = \"$TMP/base/var/state.json\""
expect_in "$TMP/out" "(environment) COACH_TOKEN = (set, hidden)"
expect_not_in "$TMP/out" "s3cret"
expect_in "$TMP/err" "unknown key EXPERIMENT_SECNDS (did you mean EXPERIMENT_SECONDS?)"
# The original smart.conf parses unchanged.
expect_exit 0 smart-run --config "$SMART_SOURCE_DIR/test/fixtures/original/smart.conf" --show-config
expect_in "$TMP/out" "BASELINE_SECONDS = \"300\""
# A bad value names file:line and exits 2.
echo 'IMPROVE_PCT=lots' >"$TMP/bad.conf"
expect_exit 2 smart-run --config "$TMP/bad.conf" --show-config
expect_in "$TMP/err" "$TMP/bad.conf:1: IMPROVE_PCT: invalid number 'lots'"
