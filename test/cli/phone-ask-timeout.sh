#!/usr/bin/env bash
# A coach that never answers a borderline question: COACH_TIMEOUT bounds the
# whole question (retries included); no answer, exit 1, nothing on stdout.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/coach.sh"

DIR=$TMP/base/var/runs/20261122T232318Z
make_decision "$DIR" workers_2
start_coach --mode hang --hang-seconds 30
phone_conf "$TMP/smart.conf" "http://127.0.0.1:$COACH_PORT" COACH_TIMEOUT=2s COACH_RETRIES=5
start=$(date +%s)
expect_exit 1 smart-phone --config "$TMP/smart.conf" --ask --run-dir "$DIR" --variant workers_2
elapsed=$(( $(date +%s) - start ))
[ "$elapsed" -le 6 ] || fail "--ask took ${elapsed}s with COACH_TIMEOUT=2s"
expect_eq "$(cat "$TMP/out")" ""
expect_in "$TMP/err" "timeout"
expect_in "$TMP/err" "--- no answer"
