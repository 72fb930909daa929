#!/usr/bin/env bash
# smart-run alerts after a run: a failed revert reaches NOTIFY_URL (a real
# receiver on 127.0.0.1) once, as event revert_failed keyed by the run.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/run.sh"
. "$SMART_SOURCE_DIR/test/lib/coach.sh"
command -v jq >/dev/null || skip "jq is not installed"

start_coach --mode ok
plain_experiment "$TMP/exp" plain '.revert = "echo cannot revert >&2; exit 1"'
plain_conf "$TMP/smart.conf" "$TMP/exp"
echo "NOTIFY_URL=http://127.0.0.1:$COACH_PORT/alerts" >>"$TMP/smart.conf"
expect_exit 3 smart-run --config "$TMP/smart.conf" plain
run_id=$(jq -r .run_id "$TMP/base/var/state.json")
expect_eq "$(requests '[.[] | select(.path == "/alerts") | .body.event]')" '["revert_failed"]'
expect_eq "$(requests '.[0].headers["idempotency-key"]')" "\"$run_id.revert_failed\""
expect_in "$TMP/base/var/runs/$run_id/run.log" ">> smart-phone: done"
