#!/usr/bin/env bash
# smart-run --recover: only the recovery of an interrupted run. With nothing
# pending it says so and exits 0; after a kill -9 it reverts the variant,
# records the run as aborted and starts no run of its own; a failed recovery
# revert is exit 3 and later runs refuse; with anything else it is a usage
# error that changes nothing.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/run.sh"
command -v jq >/dev/null || skip "jq is not installed"
command -v setsid >/dev/null || skip "setsid is not installed"
plain_conf "$TMP/smart.conf" "$TMP/exp"
plain_experiment "$TMP/exp" plain '.baseline_seconds = 0.3 | .variant_seconds = 0.3 | .variants = [.variants[0], .variants[1]]'
var=$TMP/base/var

expect_exit 0 smart-run --config "$TMP/smart.conf" --recover
expect_in "$TMP/err" "nothing to recover"
[ ! -e "$var/history.jsonl" ] || fail "--recover with nothing pending recorded a run"

for extra in plain --next --list --dry-run --advise --calibrate "--confirm fast" --accept-changes \
  --clear-revert-failed; do
  # shellcheck disable=SC2086 # extra is words
  expect_exit 2 smart-run --config "$TMP/smart.conf" --recover $extra
  expect_in "$TMP/err" "--recover takes no experiment and no other action"
done

# kill -9 while "fast" is applied and measured.
SMART_TEST_PAUSE_AT=measurement setsid smart-run --config "$TMP/smart.conf" plain >"$TMP/run.out" 2>"$TMP/run.err" &
pid=$!
wait_paused "$pid" measurement "$TMP/run.err"
kill -9 -- "-$pid"
wait "$pid" 2>/dev/null || true
expect_eq "$(state_of "$TMP/exp/plain")" fast "the variant is live after the kill"
killed=$(jq -r .run_id "$var/pending.json")
runs_before=$(ls "$var/runs" | wc -l)

expect_exit 0 smart-run --config "$TMP/smart.conf" --recover
expect_in "$TMP/err" "found pending.json: run $killed"
expect_eq "$(state_of "$TMP/exp/plain")" baseline "after --recover"
[ ! -e "$var/pending.json" ] || fail "pending.json left"
expect_eq "$(jq -r .status "$var/runs/$killed/summary.json")" aborted
expect_eq "$(jq -s -c 'map([.run_id, .status])' "$var/history.jsonl")" "[[\"$killed\",\"aborted\"]]" \
  "history: the aborted run and nothing else"
expect_eq "$(ls "$var/runs" | wc -l)" "$runs_before" "run directories (--recover starts no run)"
expect_exit 0 smart-run --config "$TMP/smart.conf" --recover
expect_in "$TMP/err" "nothing to recover"

# A recovery whose revert fails: exit 3, the record kept, later runs refuse.
jq '.revert = "exit 1"' "$TMP/exp/plain/meta.json" >"$TMP/m" && mv "$TMP/m" "$TMP/exp/plain/meta.json"
SMART_TEST_PAUSE_AT=measurement setsid smart-run --config "$TMP/smart.conf" plain >"$TMP/run.out" 2>"$TMP/run.err" &
pid=$!
wait_paused "$pid" measurement "$TMP/run.err"
kill -9 -- "-$pid"
wait "$pid" 2>/dev/null || true
expect_exit 3 smart-run --config "$TMP/smart.conf" --recover
[ -f "$var/revert_failed.json" ] || fail "no revert_failed.json after a failed recovery"
expect_exit 3 smart-run --config "$TMP/smart.conf" --recover
expect_in "$TMP/err" "--clear-revert-failed"
