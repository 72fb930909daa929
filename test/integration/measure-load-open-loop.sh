#!/usr/bin/env bash
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/measure.sh"
# Coordinated omission: the open loop times each request from when it was
# due. One connection, a server taking 200 ms, a request due every 50 ms:
# the queue grows, so the recorded latencies grow (200, 350, 500, ... ms) and
# the requests still queued at the end are reported as never sent. The
# closed loop on the same server sees only the 200 ms service time.

slow_server_start
url="http://127.0.0.1:$SLOW_PORT/sleep/0.2"
expect_exit 0 smart-measure --url "$url" --rate 20 --concurrency 1 --duration 1s -o "$TMP/open.csv"
expect_in "$TMP/err" "due requests never sent"
awk -F, 'NR > 2 && $2 <= prev { exit 1 } { prev = $2 }' "$TMP/open.csv" \
  || fail "open-loop latencies do not grow with the queue: $(cut -d, -f2 "$TMP/open.csv" | tr '\n' ' ')"
max=$(tail -n +2 "$TMP/open.csv" | cut -d, -f2 | sort -n | tail -1)
awk -v m="$max" 'BEGIN { exit !(m >= 500) }' || fail "open loop max latency $max ms: the queueing is hidden"

expect_exit 0 smart-measure --url "$url" --concurrency 1 --duration 1s -o "$TMP/closed.csv"
max=$(tail -n +2 "$TMP/closed.csv" | cut -d, -f2 | sort -n | tail -1)
awk -v m="$max" 'BEGIN { exit !(m < 500) }' || fail "closed loop max latency $max ms for a 200 ms server"
