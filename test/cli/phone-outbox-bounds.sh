#!/usr/bin/env bash
# The outbox is bounded by count and age; whatever is dropped is named in a
# warning. Another smart-phone sending the outbox: the payload stays queued
# (exit 75) and nothing is sent twice.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/coach.sh"

PORT=$(free_port)
RUNS="20261122T200000Z 20261122T203000Z 20261122T210000Z"
# shellcheck disable=SC2086
make_state "$TMP/base" $RUNS
phone_conf "$TMP/smart.conf" "http://127.0.0.1:$PORT/" COACH_RETRIES=0 COACH_OUTBOX_MAX=2
for run in $RUNS; do
  expect_exit 75 smart-phone --config "$TMP/smart.conf" "$run"
done
expect_in "$TMP/err" "outbox full (2 entries max): dropping the oldest undelivered payload 20261122T200000Z"
expect_eq "$(cd "$TMP/base/var/outbox" && ls -- *.json | tr '\n' ' ')" "20261122T203000Z.json 20261122T210000Z.json "

# Age: an entry queued long ago is dropped, with a warning, at the next flush.
f=$TMP/base/var/outbox/20261122T203000Z.json
jq -c '.queued_at = "2020-01-01T00:00:00.000Z"' "$f" >"$f.new" && mv "$f.new" "$f"
phone_conf "$TMP/smart.conf" "http://127.0.0.1:$PORT/" COACH_RETRIES=0 COACH_OUTBOX_MAX_AGE=7d
expect_exit 75 smart-phone --config "$TMP/smart.conf" --flush
expect_in "$TMP/err" "dropping payload 20261122T203000Z queued 2020-01-01T00:00:00Z: older than"
expect_eq "$(cd "$TMP/base/var/outbox" && ls -- *.json | tr '\n' ' ')" "20261122T210000Z.json "

# A corrupt entry is moved aside, never sent, never deleted.
echo '{"half": ' >"$TMP/base/var/outbox/20261122T000000Z.json"
start_coach --port "$PORT" --mode ok
# While another smart-phone holds the outbox, this one only queues.
LOCK=$TMP/base/var/outbox/.lock
hold_lock "$LOCK"
expect_exit 75 smart-phone --config "$TMP/smart.conf" --flush
expect_in "$TMP/err" "is sending the outbox"
expect_eq "$(requests 'length')" 0 "requests while locked"
release_lock

expect_exit 0 smart-phone --config "$TMP/smart.conf" --flush
expect_in "$TMP/err" "not a valid outbox entry"
expect_eq "$(requests '[.[].headers["idempotency-key"]]')" '["20261122T210000Z"]'
test -e "$TMP/base/var/outbox/20261122T000000Z.json.corrupt" || fail "corrupt entry not kept aside"
