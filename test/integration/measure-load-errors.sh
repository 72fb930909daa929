#!/usr/bin/env bash
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/measure.sh"
# Load mode records failures as rows: refused connections (connect) in both
# loops, and responses slower than --timeout (timeout).

port=$(free_port)
expect_exit 0 timeout 30 smart-measure --url "http://127.0.0.1:$port/" --concurrency 2 --duration 500ms -o "$TMP/refused.csv"
expect_eq "$(tail -n +2 "$TMP/refused.csv" | cut -d, -f3,4 | sort -u)" "0,connect" "closed loop, refused"
[ "$(data_rows "$TMP/refused.csv")" -ge 10 ] || fail "too few rows for a refused port"
expect_exit 0 timeout 30 smart-measure --url "http://127.0.0.1:$port/" --rate 100 --duration 500ms -o "$TMP/refused-open.csv"
rows=$(data_rows "$TMP/refused-open.csv")
[ "$rows" -ge 45 ] && [ "$rows" -le 55 ] || fail "open loop against a refused port: $rows rows for 50 due"
expect_eq "$(tail -n +2 "$TMP/refused-open.csv" | cut -d, -f3,4 | sort -u)" "0,connect" "open loop, refused"

slow_server_start
expect_exit 0 timeout 30 smart-measure --url "http://127.0.0.1:$SLOW_PORT/sleep/5" --concurrency 2 --duration 1s --timeout 200ms -o "$TMP/slow.csv"
expect_eq "$(tail -n +2 "$TMP/slow.csv" | cut -d, -f3,4 | sort -u)" "0,timeout"
[ "$(data_rows "$TMP/slow.csv")" -ge 4 ] || fail "too few timeout rows: $(data_rows "$TMP/slow.csv")"
expect_in "$TMP/err" "timeout "
