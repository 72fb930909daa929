#!/usr/bin/env bash
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/measure.sh"
# HTTPS with a self-signed certificate: verified by default (a tls error),
# trusted with --cacert, unverified with --insecure.

tls_nginx_start
url=$TLS_URL

expect_exit 0 smart-measure --url "$url" --count 2 --interval 10ms
expect_eq "$(tail -n +2 "$TMP/out" | cut -d, -f3,4 | sort -u)" "0,tls" "verified"
expect_exit 0 smart-measure --url "$url" --count 2 --interval 10ms --cacert "$TLS_CACERT"
expect_eq "$(tail -n +2 "$TMP/out" | cut -d, -f3,4 | sort -u)" "200," "--cacert"
expect_exit 0 smart-measure --url "$url" --count 2 --interval 10ms --insecure --phases
expect_eq "$(tail -n +2 "$TMP/out" | cut -d, -f3,4 | sort -u)" "200," "--insecure"
# The first probe paid the TLS handshake; the phases say so.
awk -F, 'NR == 2 && $7 <= 0 { exit 1 }' "$TMP/out" || fail "no tls_ms on the first probe: $(cat "$TMP/out")"
