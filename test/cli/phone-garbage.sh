#!/usr/bin/env bash
# A 2xx with a body that is not JSON: delivered (the payload leaves the
# outbox) but no advice is invented; --ask with such a body is no answer.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/coach.sh"

RUN=20261122T232318Z
make_state "$TMP/base" "$RUN"
start_coach --mode garbage
phone_conf "$TMP/smart.conf" "http://127.0.0.1:$COACH_PORT/"
expect_exit 0 smart-phone --config "$TMP/smart.conf" "$RUN"
expect_eq "$(find "$TMP/base/var/outbox" -name '*.json' | wc -l)" 0
test ! -e "$TMP/base/var/runs/$RUN/coach.json" || fail "advice invented from garbage"
expect_eq "$(jq 'has("coach")' "$TMP/base/var/state.json")" false

DIR=$TMP/base/var/runs/$RUN
make_decision "$DIR" workers_2
expect_exit 1 smart-phone --config "$TMP/smart.conf" --ask --run-dir "$DIR" --variant workers_2
expect_eq "$(cat "$TMP/out")" ""
expect_in "$TMP/err" "no coach answer: revert"
expect_in "$TMP/err" "--- no answer"
