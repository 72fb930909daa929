#!/usr/bin/env bash
# SIGTERM (then SIGINT) to smart-run while a variant is applied and being
# measured: the measurement stops, the revert runs, the run is recorded as
# aborted, and smart-run exits 143 (130).
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/run.sh"
command -v jq >/dev/null || skip "jq is not installed"

plain_experiment "$TMP/exp" plain '.variant_seconds = 30'
plain_conf "$TMP/smart.conf" "$TMP/exp"

for sig in TERM INT; do
  echo baseline >"$TMP/exp/plain/state"
  smart-run --config "$TMP/smart.conf" plain >"$TMP/out" 2>"$TMP/err" &
  pid=$!
  wait_until grep -qx fast "$TMP/exp/plain/state"
  [ -f "$TMP/base/var/pending.json" ] || fail "no pending.json while a variant is applied"
  expect_eq "$(jq -r .variant "$TMP/base/var/pending.json")" fast
  sleep 0.3 # inside the 30 s measurement
  kill -$sig $pid
  set +e; wait $pid; RC=$?; set -e
  LAST_CMD="smart-run plain (SIG$sig)"
  want=143; [ $sig = INT ] && want=130
  [ "$RC" -eq $want ] || { _show; fail "SIG$sig: expected exit $want, got $RC"; }
  expect_eq "$(state_of "$TMP/exp/plain")" baseline "reverted after SIG$sig"
  [ ! -e "$TMP/base/var/pending.json" ] || fail "pending.json left after the revert"
  expect_eq "$(jq -r .status "$TMP/base/var/state.json")" aborted
  expect_eq "$(jq -r '.variants[0].outcome' "$TMP/base/var/state.json")" aborted
  expect_in "$TMP/err" "reverted"
  run_id=$(jq -r .run_id "$TMP/base/var/state.json")
  expect_eq "$(jq -r .status "$TMP/base/var/runs/$run_id/summary.json")" aborted
done
expect_eq "$(grep -c '"status":"aborted"' "$TMP/base/var/history.jsonl")" 2
