#!/usr/bin/env bash
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/measure.sh"
# Load mode over https:// (OpenSSL in the epoll client): verified against --cacert, a tls
# error row per request without it, the open loop holding its rate.

tls_nginx_start
url=$TLS_URL

expect_exit 0 smart-measure --url "$url" --concurrency 2 --count 300 --cacert "$TLS_CACERT" --phases -o "$TMP/ok.csv"
expect_eq "$(data_rows "$TMP/ok.csv")" 300 "rows"
expect_eq "$(tail -n +2 "$TMP/ok.csv" | cut -d, -f3,4 | sort -u)" "200," "codes"
[ "$(tail -n +2 "$TMP/ok.csv" | awk -F, '$7 > 0' | wc -l)" -ge 1 ] || fail "no row with a TLS handshake time"

expect_exit 0 timeout 30 smart-measure --url "$url" --concurrency 2 --count 4
expect_eq "$(tail -n +2 "$TMP/out" | cut -d, -f3,4 | sort -u)" "0,tls" "unverified certificate"

expect_exit 0 smart-measure --url "$url" --rate 100 --duration 2s --insecure -o "$TMP/rate.csv"
rows=$(data_rows "$TMP/rate.csv")
[ "$rows" -ge 196 ] && [ "$rows" -le 204 ] || fail "expected 200 +- 2 % rows at 100/s for 2 s, got $rows"
