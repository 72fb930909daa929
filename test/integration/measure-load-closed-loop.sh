#!/usr/bin/env bash
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/measure.sh"
# Closed loop on C connections: every request a row (or one per
# --sample-every N), all 200; --phases adds the timing columns; --warmup
# requests are not recorded.

nginx_start "$TMP/nginx"
on_exit "nginx_stop '$TMP/nginx'"
expect_exit 0 smart-measure --url "$NGINX_URL" --concurrency 4 --threads 2 --count 2000 -o "$TMP/all.csv"
expect_eq "$(data_rows "$TMP/all.csv")" 2000 "rows with --count 2000"
expect_eq "$(tail -n +2 "$TMP/all.csv" | cut -d, -f3,4 | sort -u)" "200,"
expect_in "$TMP/err" "2000 samples, 0 errors"

expect_exit 0 smart-measure --url "$NGINX_URL" --concurrency 2 --count 1000 --sample-every 10 -o "$TMP/sampled.csv"
expect_eq "$(data_rows "$TMP/sampled.csv")" 100 "rows with --sample-every 10"
expect_in "$TMP/err" "1000 samples"

expect_exit 0 smart-measure --url "$NGINX_URL" --concurrency 2 --count 50 --phases --block 3 -o "$TMP/phases.csv"
expect_eq "$(head -1 "$TMP/phases.csv")" "timestamp,latency_ms,response_code,error,block,dns_ms,connect_ms,tls_ms,ttfb_ms"
# The first request of each connection paid the connect; ttfb is never more than the latency.
awk -F, 'NR > 1 && $9 > $2 + 0.001 { exit 1 }' "$TMP/phases.csv" || fail "ttfb_ms above latency_ms"
[ "$(tail -n +2 "$TMP/phases.csv" | awk -F, '$7 > 0' | wc -l)" -ge 1 ] || fail "no row with connect_ms"

# With --warmup 1s and --duration 1s the recorded rows start after the warmup.
start=$(date +%s%3N)
expect_exit 0 smart-measure --url "$NGINX_URL" --rate 100 --concurrency 2 --warmup 1s --duration 1s -o "$TMP/warm.csv"
first=$(sed -n 2p "$TMP/warm.csv" | cut -d, -f1)
first_ms=$(date -d "$first" +%s%3N)
[ $((first_ms - start)) -ge 900 ] || fail "first recorded row $((first_ms - start)) ms after the start, inside the warmup"
rows=$(data_rows "$TMP/warm.csv")
[ "$rows" -ge 95 ] && [ "$rows" -le 105 ] || fail "warmup rows recorded: $rows rows for 1 s at 100/s"
