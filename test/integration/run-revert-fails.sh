#!/usr/bin/env bash
# A revert that fails: exit 3, status revert_failed, a message nobody can
# miss, revert_failed.json; later runs refuse (exit 3) until a human runs
# smart-run --clear-revert-failed.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/run.sh"
command -v jq >/dev/null || skip "jq is not installed"

plain_experiment "$TMP/exp" plain '.revert = "echo cannot revert >&2; exit 1"'
plain_conf "$TMP/smart.conf" "$TMP/exp"
expect_exit 3 smart-run --config "$TMP/smart.conf" plain
expect_in "$TMP/err" "REVERT FAILED: the server may NOT be in its baseline state"
expect_in "$TMP/err" "smart-run --clear-revert-failed"
expect_eq "$(jq -r .status "$TMP/base/var/state.json")" revert_failed
expect_eq "$(jq -r .variant "$TMP/base/var/revert_failed.json")" fast
run_id=$(jq -r .run_id "$TMP/base/var/state.json")
expect_in "$TMP/base/var/runs/$run_id/revert.fast.log" "cannot revert"
expect_in "$TMP/base/var/runs/$run_id/run.log" "REVERT FAILED"

# Every later run refuses, without touching anything.
echo untouched >"$TMP/exp/plain/state"
runs=$(ls "$TMP/base/var/runs" | wc -l)
expect_exit 3 smart-run --config "$TMP/smart.conf" plain
expect_in "$TMP/err" "REFUSING TO RUN: a revert failed"
expect_exit 3 smart-run --config "$TMP/smart.conf" --next
expect_eq "$(state_of "$TMP/exp/plain")" untouched
expect_eq "$(ls "$TMP/base/var/runs" | wc -l)" "$runs"

# The human fixes things, clears, and runs work again.
plain_experiment "$TMP/exp" plain
expect_exit 0 smart-run --config "$TMP/smart.conf" --clear-revert-failed
expect_in "$TMP/err" "cleared the failed revert of plain / fast"
[ ! -e "$TMP/base/var/revert_failed.json" ] || fail "revert_failed.json not cleared"
ls "$TMP/base/var/"revert_failed.*.cleared.json >/dev/null || fail "no audit record of the clearing"
expect_exit 0 smart-run --config "$TMP/smart.conf" --clear-revert-failed
expect_in "$TMP/err" "nothing to clear"
expect_exit 0 smart-run --config "$TMP/smart.conf" --advise plain
expect_eq "$(state_of "$TMP/exp/plain")" baseline
