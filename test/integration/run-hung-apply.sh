#!/usr/bin/env bash
# An apply that hangs (and leaves a grandchild) is killed at the timeout with
# its whole process group; the revert runs; the run is recorded failed, exit 1.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/run.sh"
command -v jq >/dev/null || skip "jq is not installed"

# timeout_seconds bounds every command, the measurement too (its duration plus
# the timeout): 3 s leaves the 0.5 s measurement slack on a loaded machine.
plain_experiment "$TMP/exp" plain \
  '.timeout_seconds = 3 | .baseline_seconds = 0.5 | .variants[1].apply = "echo fast > state; sleep 60 & echo $! > grandchild.pid; wait"'
plain_conf "$TMP/smart.conf" "$TMP/exp"
start=$(date +%s)
expect_exit 1 smart-run --config "$TMP/smart.conf" plain
[ $(($(date +%s) - start)) -le 20 ] || fail "the hung apply was not cut at its timeout"
expect_in "$TMP/err" "timed out after"
expect_eq "$(state_of "$TMP/exp/plain")" baseline "reverted"
gc=$(cat "$TMP/exp/plain/grandchild.pid")
if kill -0 "$gc" 2>/dev/null && ! grep -q ') Z' "/proc/$gc/stat" 2>/dev/null; then
  fail "the apply's grandchild (pid $gc) survived: the process group was not killed"
fi
state=$TMP/base/var/state.json
expect_eq "$(jq -r .status "$state")" failed
expect_eq "$(jq -r .kept_variant "$state")" none
expect_eq "$(jq -r '.variants[] | select(.name == "fast") | .outcome' "$state")" failed
[ ! -e "$TMP/base/var/pending.json" ] || fail "pending.json left"

# A failing check is a failure too, and is reverted.
plain_experiment "$TMP/exp" plain2 '.check = "test \"$(cat state)\" = baseline"'
expect_exit 1 smart-run --config "$TMP/smart.conf" plain2
expect_eq "$(state_of "$TMP/exp/plain2")" baseline "reverted after a failed check"
expect_eq "$(jq -r .status "$state")" failed
expect_in "$TMP/err" "check after fast exit 1"
