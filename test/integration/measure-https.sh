#!/usr/bin/env bash
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/measure.sh"
# HTTPS with a self-signed certificate: verified by default (a tls error),
# trusted with --cacert, unverified with --insecure.

command -v openssl >/dev/null || skip "openssl not installed"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$TMP/key.pem" -out "$TMP/cert.pem" 2>/dev/null
tls_port=$(free_port)
nginx_start "$TMP/nginx" "listen 127.0.0.1:$tls_port ssl; ssl_certificate $TMP/cert.pem; ssl_certificate_key $TMP/key.pem;"
on_exit "nginx_stop '$TMP/nginx'"
url="https://127.0.0.1:$tls_port/"

expect_exit 0 smart-measure --url "$url" --count 2 --interval 10ms
expect_eq "$(tail -n +2 "$TMP/out" | cut -d, -f3,4 | sort -u)" "0,tls" "verified"
expect_exit 0 smart-measure --url "$url" --count 2 --interval 10ms --cacert "$TMP/cert.pem"
expect_eq "$(tail -n +2 "$TMP/out" | cut -d, -f3,4 | sort -u)" "200," "--cacert"
expect_exit 0 smart-measure --url "$url" --count 2 --interval 10ms --insecure --phases
expect_eq "$(tail -n +2 "$TMP/out" | cut -d, -f3,4 | sort -u)" "200," "--insecure"
# The first probe paid the TLS handshake; the phases say so.
awk -F, 'NR == 2 && $7 <= 0 { exit 1 }' "$TMP/out" || fail "no tls_ms on the first probe: $(cat "$TMP/out")"
