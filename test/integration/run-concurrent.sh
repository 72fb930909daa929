#!/usr/bin/env bash
# One run at a time: a second smart-run exits 75 at once, naming the pid of
# the run that holds the lock, and changes nothing.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/run.sh"
command -v jq >/dev/null || skip "jq is not installed"

plain_experiment "$TMP/exp" plain '.baseline_seconds = 30'
plain_conf "$TMP/smart.conf" "$TMP/exp"
smart-run --config "$TMP/smart.conf" plain >"$TMP/out1" 2>"$TMP/err1" &
pid=$!
on_exit "kill $pid 2>/dev/null"
wait_until run_file_nonempty "$TMP/base/var/runs" baseline.csv
runs_before=$(ls "$TMP/base/var/runs" | wc -l)
start=$(date +%s)
expect_exit 75 smart-run --config "$TMP/smart.conf" plain
[ $(($(date +%s) - start)) -le 3 ] || fail "the second run did not exit at once"
expect_in "$TMP/err" "another smart-run is running (pid $pid"
expect_exit 75 smart-run --config "$TMP/smart.conf" --next
expect_eq "$(ls "$TMP/base/var/runs" | wc -l)" "$runs_before" "no run directory for the refused run"
kill -TERM $pid
set +e; wait $pid; RC=$?; set -e
[ $RC -eq 143 ] || fail "first run: expected 143 after SIGTERM, got $RC"
