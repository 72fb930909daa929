#!/usr/bin/env bash
# The wall clock jumps while a variant is measured (an NTP step, a VM
# resumed from a snapshot): a year ahead, then, in a second run, a year
# back. smart-run times its blocks, timeouts and the run's duration on the
# monotonic clock, so each run still measures what it planned and decides
# as it would have: the faster variant is kept, the duration is the real
# one, no pending.json is left, history.jsonl holds each run whole, once,
# state.json names the last of them, and no run directory is pruned as
# "old". The jump is made with libfaketime in smart-run and its children
# only (the machine's clock is never touched).
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/run.sh"
command -v jq >/dev/null || skip "jq is not installed"
lib=$(find /usr/lib -name libfaketimeMT.so.1 -print -quit 2>/dev/null)
[ -n "$lib" ] || fail "libfaketime is not installed (packaging/install-deps.sh --tests installs faketime)"

plain_conf "$TMP/smart.conf" "$TMP/exp"
echo "RETAIN_DAYS=30" >>"$TMP/smart.conf"
plain_experiment "$TMP/exp" plain '.variants = [.variants[0], .variants[1]] | .baseline_seconds = 1 | .variant_seconds = 1'
echo 60 >"$TMP/exp/plain/burst" # rows at a time: enough samples to decide a keep
echo 2 >"$TMP/exp/plain/latency.fast"
var=$TMP/base/var

# jump OFFSET: one smart-run whose wall clock moves by OFFSET (libfaketime
# syntax: +365d, -365d) once it measures.
jump() {
  echo "+0" >"$TMP/clock"
  LD_PRELOAD=$lib FAKETIME_TIMESTAMP_FILE=$TMP/clock FAKETIME_NO_CACHE=1 FAKETIME_DONT_FAKE_MONOTONIC=1 \
    SMART_TEST_PAUSE_AT=measurement smart-run --config "$TMP/smart.conf" plain \
    >"$TMP/run.out" 2>"$TMP/run.err" &
  local pid=$! rc started
  wait_paused "$pid" "$1" "$TMP/run.err"
  echo "$1" >"$TMP/clock"
  started=$(date +%s)
  kill -CONT "$pid"
  set +e
  wait "$pid"
  rc=$?
  set -e
  [ "$rc" -eq 0 ] || { cat "$TMP/run.err" >&2; fail "$1: smart-run exit $rc"; }
  # Blocks end on the monotonic clock: a year ahead does not end them at
  # once, a year back does not stretch them for a year.
  [ $(($(date +%s) - started)) -le 60 ] || fail "$1: the run took more than a minute after the jump"
  expect_eq "$(jq -r .kept_variant "$var/state.json")" fast "$1: kept variant"
  expect_eq "$(jq -r '.variants[0].outcome' "$var/state.json")" keep "$1: outcome"
  # The jump did happen: the run finished in the faked year.
  expect_eq "$(jq -r .updated_at "$var/state.json" | cut -c1-4)" "$(date -u -d "${1%d} days" +%Y)" \
    "$1: the year the run finished in"
  local duration
  duration=$(jq -r .duration_s "$var/runs/$(jq -r .run_id "$var/state.json")/summary.json")
  awk -v d="$duration" 'BEGIN { exit !(d > 0 && d < 120) }' || fail "$1: duration_s $duration is not the real one"
  [ ! -e "$var/pending.json" ] || fail "$1: pending.json left"
  jq -e . "$var/history.jsonl" >/dev/null || fail "$1: history.jsonl has a broken line"
  [ -z "$(jq -r .run_id "$var/history.jsonl" | sort | uniq -d)" ] || fail "$1: a run id twice in history"
  expect_eq "$(jq -r .run_id "$var/state.json")" "$(tail -n 1 "$var/history.jsonl" | jq -r .run_id)" \
    "$1: state.json is the last run in history"
  echo baseline >"$TMP/exp/plain/state"
}

jump +365d
jump -365d
expect_eq "$(wc -l <"$var/history.jsonl")" 2 "history entries"
expect_eq "$(find "$var/runs" -mindepth 1 -maxdepth 1 -type d | wc -l)" 2 "run directories kept"
# And back on the real clock, a third run goes as usual.
expect_exit 0 smart-run --config "$TMP/smart.conf" plain
expect_eq "$(wc -l <"$var/history.jsonl")" 3 "history entries"
expect_eq "$(find "$var/runs" -mindepth 1 -maxdepth 1 -type d | wc -l)" 3 "run directories kept"
