#!/usr/bin/env bash
# One writer per record: smart-run's borderline record ("coach_ask" in
# summary.json and state.json) is never rewritten by smart-phone, and the
# run report's advice is smart-phone's own (coach.json, and "coach" in
# state.json while it is the latest run). summary.json is smart-run's alone.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/coach.sh"

RUN=20261122T232318Z
make_state "$TMP/base" "$RUN"
RUN_DIR=$TMP/base/var/runs/$RUN
ASK='{"variant":"workers_2","verdict":"keep","confidence":0.93,"reason":"clear gain","applied":true}'
for f in "$TMP/base/var/state.json" "$RUN_DIR/summary.json"; do
  jq -c --argjson ask "$ASK" '.coach_ask = $ask' "$f" >"$f.new" && mv "$f.new" "$f"
done
cp "$RUN_DIR/summary.json" "$TMP/summary.before"
start_coach --mode ok --advice "try 4 workers next"
phone_conf "$TMP/smart.conf" "http://127.0.0.1:$COACH_PORT/"

expect_exit 0 smart-phone --config "$TMP/smart.conf" "$RUN"
ADVICE='{"advice":"try 4 workers next","next_variant":"workers_4","confidence":0.85}'
expect_eq "$(jq -c 'del(.received_at)' "$RUN_DIR/coach.json")" "$ADVICE" "coach.json: the advice only"
jq -e '.received_at | test("Z$")' "$RUN_DIR/coach.json" >/dev/null || fail "no received_at"
expect_eq "$(jq -c .coach "$TMP/base/var/state.json")" "$ADVICE" "state.json coach"
expect_eq "$(jq -c .coach_ask "$TMP/base/var/state.json")" "$ASK" "state.json coach_ask kept"
cmp -s "$TMP/summary.before" "$RUN_DIR/summary.json" || fail "smart-phone rewrote summary.json"

# A second report of the same run replaces the advice, and only the advice.
stop_coach
start_coach --mode ok --advice "now try 8"
phone_conf "$TMP/smart.conf" "http://127.0.0.1:$COACH_PORT/"
expect_exit 0 smart-phone --config "$TMP/smart.conf" "$RUN"
expect_eq "$(jq -r .coach.advice "$TMP/base/var/state.json")" "now try 8"
expect_eq "$(jq -r .advice "$RUN_DIR/coach.json")" "now try 8"
expect_eq "$(jq -c .coach_ask "$TMP/base/var/state.json")" "$ASK" "state.json coach_ask kept"
cmp -s "$TMP/summary.before" "$RUN_DIR/summary.json" || fail "smart-phone rewrote summary.json"
