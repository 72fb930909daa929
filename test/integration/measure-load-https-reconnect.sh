#!/usr/bin/env bash
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/measure.sh"
# Load mode over https:// when the server closes kept-alive connections:
# after 3 requests (Connection: close on the third response) and after 50 ms
# idle (the next request finds the connection closed and is retried on a new
# one). Every request is a 200, and new connections show their handshake.

tls_nginx_start "keepalive_requests 3; keepalive_timeout 50ms;"

expect_exit 0 timeout 30 smart-measure --url "$TLS_URL" --cacert "$TLS_CACERT" --concurrency 4 --count 600 --phases -o "$TMP/closed.csv"
expect_eq "$(data_rows "$TMP/closed.csv")" 600 "rows"
expect_eq "$(tail -n +2 "$TMP/closed.csv" | cut -d, -f3,4 | sort -u)" "200," "codes, closed loop"
handshakes=$(tail -n +2 "$TMP/closed.csv" | awk -F, '$7 > 0' | wc -l)
# One handshake per 3 requests on each connection: 200.
[ "$handshakes" -ge 190 ] && [ "$handshakes" -le 210 ] || fail "expected ~200 handshakes for 600 requests, got $handshakes"

# 10 req/s on 2 connections: each one idles 200 ms, longer than the server keeps it.
expect_exit 0 timeout 30 smart-measure --url "$TLS_URL" --cacert "$TLS_CACERT" --concurrency 2 --rate 10 --duration 2s -o "$TMP/idle.csv"
rows=$(data_rows "$TMP/idle.csv")
[ "$rows" -ge 19 ] && [ "$rows" -le 21 ] || fail "expected 20 rows at 10/s for 2 s, got $rows"
expect_eq "$(tail -n +2 "$TMP/idle.csv" | cut -d, -f3,4 | sort -u)" "200," "codes, idle connections closed by the server"
