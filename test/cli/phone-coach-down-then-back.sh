#!/usr/bin/env bash
# Nothing is lost: while the coach is down every run is deferred
# (exit 75) into the outbox; when it is back, one invocation delivers every
# queued payload, oldest first, each run id exactly once.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/coach.sh"

PORT=$(free_port)   # nothing listens: connection refused
RUNS="20261122T200000Z 20261122T203000Z 20261122T210000Z 20261122T213000Z"
# shellcheck disable=SC2086
make_state "$TMP/base" $RUNS
phone_conf "$TMP/smart.conf" "http://127.0.0.1:$PORT/runs" COACH_RETRIES=1
export COACH_TOKEN=down-then-back-token

for run in $RUNS; do
  expect_exit 75 smart-phone --config "$TMP/smart.conf" "$run"
  expect_in "$TMP/err" "coach unreachable"
  expect_in "$TMP/err" "waiting in"
done
expect_eq "$(find "$TMP/base/var/outbox" -name '*.json' | wc -l)" 4
for f in "$TMP"/base/var/outbox/*.json; do
  expect_eq "$(stat -c %a "$f")" 600 "$f mode"
done
# A repeated post of a queued run replaces its entry, never duplicates it.
expect_exit 75 smart-phone --config "$TMP/smart.conf" 20261122T200000Z
expect_eq "$(find "$TMP/base/var/outbox" -name '*.json' | wc -l)" 4

# The coach comes back on the same port.
start_coach --port "$PORT" --mode ok
expect_exit 0 smart-phone --config "$TMP/smart.conf" --flush
expect_eq "$(requests 'length')" 4 "deliveries"
expect_eq "$(requests '[.[].headers["idempotency-key"]]')" "$(printf '%s\n' $RUNS | jq -R . | jq -cs .)"
expect_eq "$(requests '[.[].answered] | unique')" "[201]"
expect_eq "$(requests '[.[].headers.authorization] | unique')" "$(jq -cn '["Bearer down-then-back-token"]')"
expect_eq "$(find "$TMP/base/var/outbox" -name '*.json' | wc -l)" 0
# Advice of each run went to its own run dir.
for run in $RUNS; do
  test -s "$TMP/base/var/runs/$run/coach.json" || fail "no coach.json for $run"
done

# Nothing is sent twice: another invocation sends only the new payload.
expect_exit 0 smart-phone --config "$TMP/smart.conf" --flush
expect_eq "$(requests 'length')" 4 "deliveries after an empty flush"
