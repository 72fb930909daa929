#!/usr/bin/env bash
# Another 4xx (here 422) is not retried: exit 1 with the coach's words, the
# payload moved to the dead letters (outbox/rejected/) for a human; 404 hints
# at COACH_URL and keeps the payload (test/integration/phone-dead-letter.sh
# has the whole story).
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/coach.sh"

RUN=20261122T232318Z RUN2=20261123T002318Z
make_state "$TMP/base" "$RUN" "$RUN2"
start_coach --mode status --code 422
phone_conf "$TMP/smart.conf" "http://127.0.0.1:$COACH_PORT/" COACH_RETRIES=3
expect_exit 1 smart-phone --config "$TMP/smart.conf" "$RUN"
expect_in "$TMP/err" "rejected it (HTTP 422)"
expect_in "$TMP/err" "scripted status"
expect_in "$TMP/err" "the coach rejected 1 payload (moved to $TMP/base/var/outbox/rejected)"
expect_eq "$(requests 'length')" 1 "attempts"
expect_eq "$(find "$TMP/base/var/outbox" -maxdepth 1 -name '*.json' | wc -l)" 0
expect_eq "$(find "$TMP/base/var/outbox/rejected" -name '*.json' | wc -l)" 1
stop_coach

start_coach --mode status --code 404
phone_conf "$TMP/smart.conf" "http://127.0.0.1:$COACH_PORT/" COACH_RETRIES=3
expect_exit 1 smart-phone --config "$TMP/smart.conf" "$RUN2"
expect_in "$TMP/err" "is COACH_URL right?"
expect_eq "$(find "$TMP/base/var/outbox" -maxdepth 1 -name '*.json' | wc -l)" 1
