#!/usr/bin/env bash
# --list shows each experiment with its last outcome; --next picks the
# enabled experiment not run for longest (never run first; ties: higher
# priority, then id) and skips disabled ones.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/run.sh"
command -v jq >/dev/null || skip "jq is not installed"
plain_conf "$TMP/smart.conf" "$TMP/exp"
plain_experiment "$TMP/exp" a_low '.priority = 1 | .baseline_seconds = 0.3 | .variant_seconds = 0.3'
plain_experiment "$TMP/exp" b_high '.priority = 5 | .baseline_seconds = 0.3 | .variant_seconds = 0.3'
plain_experiment "$TMP/exp" c_off '.enabled = false | .priority = 9'
mkdir -p "$TMP/exp/d_broken" && echo '{' >"$TMP/exp/d_broken/meta.json"

expect_exit 0 smart-run --config "$TMP/smart.conf" --list
expect_in "$TMP/out" "never run"
expect_in "$TMP/out" "d_broken"
expect_in "$TMP/out" "invalid"
expect_exit 0 smart-run --config "$TMP/smart.conf" --dry-run --json --next
expect_eq "$(jq -r .experiment "$TMP/out")" b_high "never run, higher priority"
expect_exit 0 smart-run --config "$TMP/smart.conf" --next --advise
expect_eq "$(jq -r .experiment "$TMP/base/var/state.json")" b_high
expect_exit 0 smart-run --config "$TMP/smart.conf" --next --advise
expect_eq "$(jq -r .experiment "$TMP/base/var/state.json")" a_low "the one not run for longest"
expect_exit 0 smart-run --config "$TMP/smart.conf" --next --advise
expect_eq "$(jq -r .experiment "$TMP/base/var/state.json")" b_high "c_off is disabled"
expect_exit 0 smart-run --config "$TMP/smart.conf" --list --json
expect_eq "$(jq -r '.[] | select(.id == "a_low") | .last_run.status' "$TMP/out")" reverted
expect_eq "$(jq -r '.[] | select(.id == "c_off") | .enabled' "$TMP/out")" false
expect_exit 0 smart-run --config "$TMP/smart.conf" --list
grep -E '^b_high +yes +5 +[0-9]{8}T[0-9]{6}Z(-[0-9]+)? +advice only +none' "$TMP/out" >/dev/null || { cat "$TMP/out"; fail "--list line of b_high"; }
