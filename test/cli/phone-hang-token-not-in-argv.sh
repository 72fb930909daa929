#!/usr/bin/env bash
# A coach that accepts and never answers: the total timeout ends the attempt,
# the payload waits in the outbox. While smart-phone waits, its command line
# (/proc/PID/cmdline) does not hold the token, and afterwards no file does.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/coach.sh"

RUN=20261122T232318Z
make_state "$TMP/base" "$RUN"
start_coach --mode hang --hang-seconds 30
phone_conf "$TMP/smart.conf" "http://127.0.0.1:$COACH_PORT/" COACH_RETRIES=0 COACH_TIMEOUT=3s
TOKEN=hang-token-$RANDOM$RANDOM
export COACH_TOKEN=$TOKEN

start=$(date +%s)
smart-phone --config "$TMP/smart.conf" "$RUN" >"$TMP/out" 2>"$TMP/err" &
pid=$!
# Wait until the request reached the coach: smart-phone is inside the call.
wait_for test -s "$COACH_LOG"
cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline")
case "$cmdline" in
  *smart-phone*) ;;
  *) fail "not looking at smart-phone: $cmdline" ;;
esac
case "$cmdline" in
  *"$TOKEN"*) fail "token in argv: $cmdline" ;;
esac
set +e; wait "$pid"; RC=$?; set -e
LAST_CMD="smart-phone $RUN (hanging coach)"
expect_eq "$RC" 75 "exit code"
elapsed=$(( $(date +%s) - start ))
[ "$elapsed" -le 15 ] || fail "took ${elapsed}s with COACH_TIMEOUT=3s"
expect_in "$TMP/err" "timeout"
expect_eq "$(requests '.[0].headers.authorization')" "\"Bearer $TOKEN\""
expect_eq "$(find "$TMP/base/var/outbox" -name '*.json' | wc -l)" 1
if grep -rqF -- "$TOKEN" "$TMP/base" "$TMP/out" "$TMP/err"; then fail "token leaked into a file"; fi
