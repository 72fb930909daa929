#!/usr/bin/env bash
# 500 every time: COACH_RETRIES retries, then deferred (75) with the payload
# in the outbox; the next invocation tries it again.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/coach.sh"

RUN=20261122T232318Z
make_state "$TMP/base" "$RUN"
start_coach --mode status --code 500
phone_conf "$TMP/smart.conf" "http://127.0.0.1:$COACH_PORT/" COACH_RETRIES=2
expect_exit 75 smart-phone --config "$TMP/smart.conf" "$RUN"
expect_in "$TMP/err" "HTTP 500 (after 3 attempts)"
expect_eq "$(requests 'length')" 3 "attempts"
expect_eq "$(find "$TMP/base/var/outbox" -name '*.json' | wc -l)" 1
expect_eq "$(jq .attempts "$TMP/base/var/outbox/$RUN.json")" 1
expect_exit 75 smart-phone --config "$TMP/smart.conf" --flush
expect_eq "$(requests 'length')" 6 "attempts"
expect_eq "$(jq .attempts "$TMP/base/var/outbox/$RUN.json")" 2
