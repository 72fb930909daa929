#!/usr/bin/env bash
# --ask (COACH_MODE=api): the decision goes to COACH_URL/ask; the answer is
# printed as one JSON object; the exchange goes to stderr (smart-run logs it
# in the run dir), without the token; --ask writes no file.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/coach.sh"

DIR=$TMP/base/var/runs/20261122T232318Z
make_decision "$DIR" workers_2
start_coach --ask-verdict keep --ask-confidence 0.93
phone_conf "$TMP/smart.conf" "http://127.0.0.1:$COACH_PORT/api"
export COACH_TOKEN=ask-token-$RANDOM$RANDOM

expect_exit 0 smart-phone --config "$TMP/smart.conf" --ask --run-dir "$DIR" --variant workers_2
expect_eq "$(jq -c . "$TMP/out")" '{"verdict":"keep","confidence":0.93,"reason":"scripted answer"}'
expect_eq "$(wc -l <"$TMP/out")" 1
expect_eq "$(requests '.[0].path')" '"/api/ask"'
expect_eq "$(requests '.[0].body.variant')" '"workers_2"'
expect_eq "$(requests '.[0].body.run_id')" '"20261122T232318Z"'
expect_eq "$(requests '.[0].body.decision.borderline')" true
expect_eq "$(requests '.[0].headers.authorization')" "\"Bearer $COACH_TOKEN\""
expect_in "$TMP/err" '"verdict":"keep"'
expect_in "$TMP/err" "/api/ask"
expect_in "$TMP/err" "--- answer:"
expect_not_in "$TMP/err" "$COACH_TOKEN"
expect_eq "$(ls "$DIR")" "workers_2.decision.json" "files in the run dir"
stop_coach

# A revert answer is passed on as it is.
start_coach --ask-verdict revert --ask-confidence 0.7
phone_conf "$TMP/smart.conf" "http://127.0.0.1:$COACH_PORT/api"
expect_exit 0 smart-phone --config "$TMP/smart.conf" --ask --run-dir "$DIR" --variant workers_2
expect_eq "$(jq -r .verdict "$TMP/out")" revert

# No decision file: a usage error naming the file.
expect_exit 2 smart-phone --config "$TMP/smart.conf" --ask --run-dir "$DIR" --variant workers_9
expect_in "$TMP/err" "workers_9.decision.json"
