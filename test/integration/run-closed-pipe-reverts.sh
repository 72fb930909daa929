#!/usr/bin/env bash
# The reader of smart-run's output goes away while a variant is applied (a
# pipe into `sed .../q` or `head`, a terminal closed): SIGPIPE and SIGHUP are
# handled like SIGTERM. The revert runs, pending.json is removed, the run is
# recorded as aborted, and smart-run exits 128 + the signal.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/run.sh"
command -v jq >/dev/null || skip "jq is not installed"

plain_experiment "$TMP/exp" plain '.variant_seconds = 2'
plain_experiment "$TMP/exp" long '.variant_seconds = 30'
plain_conf "$TMP/smart.conf" "$TMP/exp"

# The pipe: sed quits at the variant's measurement; the next line smart-run
# writes (the measurement's result) meets a closed pipe.
set +e
smart-run --config "$TMP/smart.conf" plain 2>&1 | sed '/measuring fast/q' >"$TMP/out"
RC=${PIPESTATUS[0]}
set -e
LAST_CMD="smart-run plain 2>&1 | sed '/measuring fast/q'"
[ "$RC" -eq 141 ] || { _show; fail "closed pipe: expected exit 141, got $RC"; }
expect_eq "$(state_of "$TMP/exp/plain")" baseline "reverted after the pipe closed"
[ ! -e "$TMP/base/var/pending.json" ] || fail "pending.json left after the revert"
expect_eq "$(jq -r .status "$TMP/base/var/state.json")" aborted

# The terminal goes away: SIGHUP.
smart-run --config "$TMP/smart.conf" long >"$TMP/out" 2>"$TMP/err" &
pid=$!
wait_until grep -qx fast "$TMP/exp/long/state"
wait_until grep -q "measuring fast" "$TMP/err"
kill -HUP $pid
set +e; wait $pid; RC=$?; set -e
LAST_CMD="smart-run plain (SIGHUP)"
[ "$RC" -eq 129 ] || { _show; fail "SIGHUP: expected exit 129, got $RC"; }
expect_eq "$(state_of "$TMP/exp/long")" baseline "reverted after SIGHUP"
[ ! -e "$TMP/base/var/pending.json" ] || fail "pending.json left after SIGHUP"
expect_eq "$(grep -c '"status":"aborted"' "$TMP/base/var/history.jsonl")" 2
