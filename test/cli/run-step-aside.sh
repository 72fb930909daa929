#!/usr/bin/env bash
# Step aside: when a file the experiment manages was changed outside smart
# since its last run, smart-run refuses (exit 1) instead of experimenting on
# top of an operator's change; --accept-changes adopts it.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/run.sh"
command -v jq >/dev/null || skip "jq is not installed"
plain_experiment "$TMP/exp" plain '.manages = ["state", "${MANAGED_FILE}"] | .baseline_seconds = 0.3 | .variant_seconds = 0.3'
plain_conf "$TMP/smart.conf" "$TMP/exp"
echo "MANAGED_FILE=$TMP/managed.conf" >>"$TMP/smart.conf"
echo "operator's" >"$TMP/managed.conf"
expect_exit 0 smart-run --config "$TMP/smart.conf" plain
[ -s "$TMP/base/var/fingerprints/plain.txt" ] || fail "no fingerprint recorded"
expect_exit 0 smart-run --config "$TMP/smart.conf" plain # unchanged: runs

echo "set by the operator" >"$TMP/exp/plain/state"
runs=$(ls "$TMP/base/var/runs" | wc -l)
expect_exit 1 smart-run --config "$TMP/smart.conf" plain
expect_in "$TMP/err" "stepping aside: the files plain manages changed outside smart"
expect_in "$TMP/err" "smart-run --accept-changes plain"
expect_eq "$(state_of "$TMP/exp/plain")" "set by the operator" "untouched"
expect_eq "$(ls "$TMP/base/var/runs" | wc -l)" "$runs" "no run started"

expect_exit 0 smart-run --config "$TMP/smart.conf" --accept-changes --advise plain
expect_in "$TMP/err" "adopted the current state"
expect_in "$TMP/base/var/fingerprints/plain.txt" "$TMP/managed.conf="

# A path from the configuration (${KEY}) is watched the same way.
echo "edited by hand" >>"$TMP/managed.conf"
expect_exit 1 smart-run --config "$TMP/smart.conf" plain
expect_in "$TMP/err" "stepping aside"
