#!/usr/bin/env bash
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/measure.sh"
# A response slower than --timeout is a timeout row (code 0) whose latency is
# the timeout; the server's fast answers stay 200.

slow_server_start
expect_exit 0 smart-measure --url "http://127.0.0.1:$SLOW_PORT/sleep/3" --count 2 --interval 10ms --timeout 300ms
expect_eq "$(tail -n +2 "$TMP/out" | cut -d, -f3,4 | sort -u)" "0,timeout"
awk -F, 'NR > 1 && ($2 < 290 || $2 > 2000) { bad = 1 } END { exit bad }' "$TMP/out" \
  || fail "timeout latency not near 300 ms: $(cat "$TMP/out")"
expect_in "$TMP/err" "timeout 2"
expect_exit 0 smart-measure --url "http://127.0.0.1:$SLOW_PORT/fast" --count 2 --interval 10ms --timeout 300ms
expect_eq "$(tail -n +2 "$TMP/out" | cut -d, -f3,4 | sort -u)" "200,"
