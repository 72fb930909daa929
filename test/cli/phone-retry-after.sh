#!/usr/bin/env bash
# 429 with Retry-After: waited as asked when within COACH_RETRY_MAX_WAIT;
# a longer one defers at once instead of holding the run.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/coach.sh"

RUN=20261122T232318Z
make_state "$TMP/base" "$RUN"
start_coach --mode retry-after --retry-after 2 --count 1
phone_conf "$TMP/smart.conf" "http://127.0.0.1:$COACH_PORT/" COACH_RETRIES=3 COACH_RETRY_MAX_WAIT=10s
expect_exit 0 smart-phone --config "$TMP/smart.conf" "$RUN"
expect_eq "$(requests '[.[].answered]')" "[429,201]"
# The second attempt came no sooner than the 2 s asked for.
expect_eq "$(requests '(.[1].t - .[0].t) >= 1.9')" true
stop_coach

rm -f "$COACH_LOG"
start_coach --mode retry-after --retry-after 3600 --count 1
phone_conf "$TMP/smart.conf" "http://127.0.0.1:$COACH_PORT/" COACH_RETRIES=3 COACH_RETRY_MAX_WAIT=10s
expect_exit 75 smart-phone --config "$TMP/smart.conf" "$RUN"
expect_in "$TMP/err" "Retry-After 3600s is longer than the 10s we wait"
expect_eq "$(requests 'length')" 1 "attempts"
expect_eq "$(find "$TMP/base/var/outbox" -name '*.json' | wc -l)" 1
