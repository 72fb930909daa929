#!/usr/bin/env bash
# 503 twice, then 2xx: retried with backoff, delivered once, same key each time.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/coach.sh"

RUN=20261122T232318Z
make_state "$TMP/base" "$RUN"
start_coach --mode fail --count 2
phone_conf "$TMP/smart.conf" "http://127.0.0.1:$COACH_PORT/" COACH_RETRIES=3

expect_exit 0 smart-phone --config "$TMP/smart.conf" "$RUN"
expect_eq "$(requests 'length')" 3 "attempts"
expect_eq "$(requests '[.[].answered]')" "$(jq -cn '[503,503,201]')"
expect_eq "$(requests '[.[].headers["idempotency-key"]] | unique')" "$(jq -cn "[\"$RUN\"]")"
expect_eq "$(find "$TMP/base/var/outbox" -name '*.json' | wc -l)" 0
# No token configured: no Authorization header at all.
expect_eq "$(requests '[.[].headers | has("authorization")] | any')" false
