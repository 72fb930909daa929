#!/usr/bin/env bash
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/measure.sh"
# --abort-err-pct P --abort-after N: a target failing every probe stops the
# run after N samples with exit 0 and a message, not after --duration.

port=$(free_port)
expect_exit 0 timeout 20 smart-measure --url "http://127.0.0.1:$port/" --duration 60s --interval 10ms \
  --abort-err-pct 50 --abort-after 5
expect_eq "$(data_rows "$TMP/out")" 5 "rows before the guard stopped it"
expect_in "$TMP/err" "smart-measure: abort guard:"
# Below the threshold nothing stops early.
expect_exit 0 timeout 20 smart-measure --url "http://127.0.0.1:$port/" --count 8 --interval 1ms \
  --abort-err-pct 100 --abort-after 5
expect_eq "$(data_rows "$TMP/out")" 8 "rows with a guard that never trips"
expect_not_in "$TMP/err" "abort guard"
