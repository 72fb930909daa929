#!/usr/bin/env bash
# smart-run records a borderline answer as "coach" (coach.json, summary.json,
# state.json); the run report's advice replaces it at the top level and keeps
# that record under "coach.ask", so neither is lost.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/coach.sh"

RUN=20261122T232318Z
make_state "$TMP/base" "$RUN"
ASK='{"variant":"workers_2","verdict":"keep","confidence":0.93,"advice":"clear gain","applied":true}'
echo "$ASK" >"$TMP/base/var/runs/$RUN/coach.json"
for f in "$TMP/base/var/state.json" "$TMP/base/var/runs/$RUN/summary.json"; do
  jq -c --argjson ask "$ASK" '.coach = $ask' "$f" >"$f.new" && mv "$f.new" "$f"
done
start_coach --mode ok --advice "try 4 workers next"
phone_conf "$TMP/smart.conf" "http://127.0.0.1:$COACH_PORT/"

expect_exit 0 smart-phone --config "$TMP/smart.conf" "$RUN"
for f in "$TMP/base/var/state.json" "$TMP/base/var/runs/$RUN/summary.json"; do
  expect_eq "$(jq -r .coach.advice "$f")" "try 4 workers next" "$f"
  expect_eq "$(jq -r .coach.next_variant "$f")" "workers_4" "$f"
  expect_eq "$(jq -c .coach.ask "$f")" "$ASK" "$f"
done
expect_eq "$(jq -r .advice "$TMP/base/var/runs/$RUN/coach.json")" "try 4 workers next"
expect_eq "$(jq -c .ask "$TMP/base/var/runs/$RUN/coach.json")" "$ASK"

# A second report of the same run keeps the record where it is.
expect_exit 0 smart-phone --config "$TMP/smart.conf" "$RUN"
expect_eq "$(jq -c .coach.ask "$TMP/base/var/state.json")" "$ASK"
expect_eq "$(jq -c .ask "$TMP/base/var/runs/$RUN/coach.json")" "$ASK"
