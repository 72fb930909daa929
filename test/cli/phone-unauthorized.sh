#!/usr/bin/env bash
# 401: not retried, reported as a bad token (exit 2), the payload kept.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/coach.sh"

RUN=20261122T232318Z
make_state "$TMP/base" "$RUN"
start_coach --mode status --code 401
echo "wrong-token-value" >"$TMP/token"
chmod 600 "$TMP/token"
phone_conf "$TMP/smart.conf" "http://127.0.0.1:$COACH_PORT/" "COACH_TOKEN_FILE=$TMP/token" COACH_RETRIES=3

expect_exit 2 smart-phone --config "$TMP/smart.conf" "$RUN"
expect_in "$TMP/err" "refused the token (HTTP 401)"
expect_in "$TMP/err" "COACH_TOKEN_FILE"
expect_eq "$(requests 'length')" 1 "attempts"
expect_eq "$(requests '.[0].headers.authorization')" '"Bearer wrong-token-value"'
expect_eq "$(find "$TMP/base/var/outbox" -name '*.json' | wc -l)" 1
expect_not_in "$TMP/err" "wrong-token-value"
expect_not_in "$TMP/err" "readable by group or others"
# A token file others may read: a warning (still used).
chmod 644 "$TMP/token"
expect_exit 2 smart-phone --config "$TMP/smart.conf" --flush
expect_in "$TMP/err" "readable by group or others (mode 644)"
if grep -rqF wrong-token-value "$TMP/base"; then fail "token written to the state dir"; fi
