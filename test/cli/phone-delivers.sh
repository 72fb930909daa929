#!/usr/bin/env bash
# A run is posted once with the Bearer token, Idempotency-Key = run id, the
# real host name and host metrics; the advice lands in coach.json, summary.json
# and state.json.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/coach.sh"

RUN=20261122T232318Z
make_state "$TMP/base" "$RUN"
start_coach --mode ok --advice "try 4 workers next"
phone_conf "$TMP/smart.conf" "http://127.0.0.1:$COACH_PORT/runs"
export COACH_TOKEN=tok-$RANDOM-secret

expect_exit 0 smart-phone --config "$TMP/smart.conf" "$RUN"
expect_eq "$(requests 'length')" 1 "requests"
expect_eq "$(requests '.[0].path')" '"/runs"'
expect_eq "$(requests '.[0].headers["idempotency-key"]')" "\"$RUN\""
expect_eq "$(requests '.[0].headers.authorization')" "\"Bearer $COACH_TOKEN\""
expect_eq "$(requests '.[0].headers["content-type"]')" '"application/json"'
expect_eq "$(requests '.[0].body.run_id')" "\"$RUN\""
expect_eq "$(requests '.[0].body.server_id')" "\"$(hostname)\""
expect_eq "$(requests '.[0].body.summary.experiment')" '"001_nginx_workers"'
expect_eq "$(requests '.[0].body.state.run_id')" "\"$RUN\""
expect_eq "$(requests '.[0].body.host | has("cpu_pct") and has("mem_pct") and has("load") and has("uptime_s")')" true
expect_eq "$(requests '.[0].body.host.uptime_s > 0')" true

# Advice stored in the run dir and state.json (summary.json is smart-run's).
expect_eq "$(jq -r .advice "$TMP/base/var/runs/$RUN/coach.json")" "try 4 workers next"
expect_eq "$(jq -r .next_variant "$TMP/base/var/runs/$RUN/coach.json")" "workers_4"
expect_eq "$(jq -r .coach.confidence "$TMP/base/var/state.json")" "0.85"
expect_eq "$(jq 'has("coach")' "$TMP/base/var/runs/$RUN/summary.json")" false
# The original's fields are untouched.
expect_eq "$(jq -r .kept_variant "$TMP/base/var/state.json")" "none"
expect_eq "$(jq -r .metrics.base_p50_ms "$TMP/base/var/state.json")" "17"
# Delivered: nothing left in the outbox.
expect_eq "$(find "$TMP/base/var/outbox" -name '*.json' | wc -l)" 0

# Without RUN_ID the latest run from state.json is posted.
expect_exit 0 smart-phone --config "$TMP/smart.conf"
expect_eq "$(requests 'length')" 2 "requests"
expect_eq "$(requests '.[1].headers["idempotency-key"]')" "\"$RUN\""

# The token is in no file smart wrote and in no message.
if grep -rqF -- "$COACH_TOKEN" "$TMP/base" "$TMP/out" "$TMP/err"; then fail "token leaked"; fi
