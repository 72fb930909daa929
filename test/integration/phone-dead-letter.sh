#!/usr/bin/env bash
# No retry on other 4xx: a payload the coach rejects for good (422)
# goes to outbox/rejected/ with the coach's status and answer (token
# redacted) and is never sent again by itself; a 404 (a wrong COACH_URL) is
# about the configuration, so that payload waits in the outbox. Moving a dead
# letter back into the outbox and running --flush sends it again.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/coach.sh"

R1=20261122T232318Z R2=20261123T002318Z R3=20261123T012318Z
make_state "$TMP/base" "$R1" "$R2" "$R3"
OUTBOX=$TMP/base/var/outbox
export COACH_TOKEN=dead-letter-secret-token
sent_runs() { requests '[.[] | .body.run_id] | join(" ")' | tr -d '"'; }

# 422: not retried, moved to rejected/, exit 1 (a rejection), named in the warning.
start_coach --mode status --code 422 --echo-auth
phone_conf "$TMP/smart.conf" "http://127.0.0.1:$COACH_PORT/" COACH_RETRIES=3
expect_exit 1 smart-phone --config "$TMP/smart.conf" "$R1"
expect_eq "$(sent_runs)" "$R1" "one attempt"
expect_in "$TMP/err" "rejected it (HTTP 422)"
expect_in "$TMP/err" "moved to $OUTBOX/rejected/$R1.json"
expect_in "$TMP/err" "move it back into $OUTBOX/ and run smart-phone --flush"
expect_not_in "$TMP/err" "$COACH_TOKEN"
[ ! -e "$OUTBOX/$R1.json" ] || fail "the rejected payload is still in the outbox"
LETTER=$OUTBOX/rejected/$R1.json
[ -f "$LETTER" ] || fail "no dead letter"
expect_eq "$(stat -c %a "$LETTER")" 600 "dead letter mode"
expect_eq "$(stat -c %a "$OUTBOX/rejected")" 700 "rejected/ mode"
expect_eq "$(jq -c '[.key, .rejected.status, .payload.run_id]' "$LETTER")" "[\"$R1\",422,\"$R1\"]"
expect_in "$LETTER" "scripted status"
expect_in "$LETTER" "Bearer [redacted]"
if grep -rqF "$COACH_TOKEN" "$TMP/base"; then fail "token written to the state dir"; fi
jq -e '.rejected.at | test("^20[0-9-]+T[0-9:]+Z$")' "$LETTER" >/dev/null || fail "no rejection time"

# The next invocations never send it again: --flush has nothing to send (exit
# 0, the dead letter mentioned), a new run is sent alone (and rejected too).
expect_exit 0 smart-phone --config "$TMP/smart.conf" --flush
expect_eq "$(sent_runs)" "$R1" "nothing resent by --flush"
expect_in "$TMP/err" "1 payload the coach rejected waits in $OUTBOX/rejected"
expect_exit 1 smart-phone --config "$TMP/smart.conf" "$R2"
expect_eq "$(sent_runs)" "$R1 $R2" "only the new run sent"
expect_eq "$(find "$OUTBOX/rejected" -name '*.json' | wc -l)" 2
expect_eq "$(find "$OUTBOX" -maxdepth 1 -name '*.json' | wc -l)" 0
stop_coach

# 404: about COACH_URL, not the payload: it stays in the outbox, and is sent
# again next time.
start_coach --mode status --code 404
phone_conf "$TMP/smart.conf" "http://127.0.0.1:$COACH_PORT/" COACH_RETRIES=3
expect_exit 1 smart-phone --config "$TMP/smart.conf" "$R3"
expect_in "$TMP/err" "is COACH_URL right?"
expect_in "$TMP/err" "kept in the outbox"
[ -f "$OUTBOX/$R3.json" ] || fail "the 404'd payload left the outbox"
[ ! -e "$OUTBOX/rejected/$R3.json" ] || fail "a 404 made a dead letter"
expect_exit 1 smart-phone --config "$TMP/smart.conf" --flush
expect_eq "$(sent_runs)" "$R1 $R2 $R3 $R3" "the 404'd payload is tried again, the dead letters are not"
stop_coach

# The documented way to resend a dead letter: move it back, --flush.
start_coach --mode ok
phone_conf "$TMP/smart.conf" "http://127.0.0.1:$COACH_PORT/" COACH_RETRIES=3
mv "$OUTBOX/rejected/$R1.json" "$OUTBOX/"
expect_exit 0 smart-phone --config "$TMP/smart.conf" --flush
expect_eq "$(sent_runs)" "$R1 $R2 $R3 $R3 $R1 $R3" "moved back: sent oldest first, with the 404'd one"
expect_eq "$(find "$OUTBOX" -maxdepth 1 -name '*.json' | wc -l)" 0
expect_eq "$(ls "$OUTBOX/rejected")" "$R2.json"
