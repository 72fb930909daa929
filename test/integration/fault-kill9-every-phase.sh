#!/usr/bin/env bash
# kill -9 of smart-run's whole process group at each phase of a run: apply,
# check, warm-up, measurement, decide, keep, revert, state write. smart-run
# stops itself there (the test hook SMART_TEST_PAUSE_AT), the test kills its
# group, and the next run must recover: the managed file byte-identical to
# the baseline, no pending.json left, every history line whole and each run
# id once, state.json naming the last run in history.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/run.sh"
command -v jq >/dev/null || skip "jq is not installed"
command -v setsid >/dev/null || skip "setsid is not installed"
plain_conf "$TMP/smart.conf" "$TMP/exp"
plain_experiment "$TMP/exp" plain '.baseline_seconds = 0.5 | .variant_seconds = 0.5 | .variants = [.variants[1]]
  | .check = "test -s state"'
echo 60 >"$TMP/exp/plain/burst" # rows at a time: enough samples to decide a keep
cp -p "$TMP/exp/plain/state" "$TMP/baseline.state"
var=$TMP/base/var

# phase, the fast variant's latency (2: kept, 20: reverted), extra options
for spec in apply:20: check:20: "warm-up:20:--design interleaved --block-seconds 0.25 --warmup-seconds 0.1" \
  measurement:20: decide:20: keep:2: revert:20: state-write:20:; do
  IFS=: read -r phase latency options <<<"$spec"
  echo "$latency" >"$TMP/exp/plain/latency.fast"
  # shellcheck disable=SC2086 # options are words
  SMART_TEST_PAUSE_AT=$phase setsid smart-run --config "$TMP/smart.conf" $options plain \
    >"$TMP/out.$phase" 2>"$TMP/err.$phase" &
  pid=$!
  wait_paused "$pid" "$phase" "$TMP/err.$phase"
  kill -9 -- "-$pid"
  wait "$pid" 2>/dev/null || true

  # Recovery alone first (--recover runs nothing of its own, so the file is
  # seen exactly as recovery left it), then a whole run.
  expect_exit 0 smart-run --config "$TMP/smart.conf" --recover
  cmp "$TMP/exp/plain/state" "$TMP/baseline.state" || fail "$phase: the managed file is not byte-identical"
  [ ! -e "$var/pending.json" ] || fail "$phase: pending.json left"
  case $phase in
  state-write) ;; # it died before recording itself: not in history, nothing to revert
  *) expect_in "$TMP/err" "found pending.json" ;;
  esac

  expect_exit 0 smart-run --config "$TMP/smart.conf" --advise plain
  cmp "$TMP/exp/plain/state" "$TMP/baseline.state" || fail "$phase: advise left the file changed"
  jq -e . "$var/history.jsonl" >/dev/null || fail "$phase: history.jsonl has a broken line"
  [ -z "$(jq -r .run_id "$var/history.jsonl" | sort | uniq -d)" ] || fail "$phase: a run id twice in history"
  expect_eq "$(jq -r .run_id "$var/state.json")" "$(tail -n 1 "$var/history.jsonl" | jq -r .run_id)" \
    "$phase: state.json is the last run in history"
done
