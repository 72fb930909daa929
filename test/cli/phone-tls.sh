#!/usr/bin/env bash
# TLS is verified: a coach with a certificate from a private CA is trusted
# with COACH_CA_FILE and refused without it (the payload then waits).
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/coach.sh"
command -v openssl >/dev/null || skip "openssl not installed"

# A throwaway CA and a server certificate for 127.0.0.1.
cd "$TMP"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=smart test CA" \
  -keyout ca.key -out ca.pem -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout server.key -out server.csr 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n' >ext.cnf
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
  -extfile ext.cnf -out server.pem 2>/dev/null
cd - >/dev/null

RUN=20261122T232318Z
make_state "$TMP/base" "$RUN"
start_coach --mode ok --cert "$TMP/server.pem" --key "$TMP/server.key"

# Without the CA: the handshake fails, nothing is delivered.
phone_conf "$TMP/smart.conf" "https://127.0.0.1:$COACH_PORT/runs" COACH_RETRIES=0
expect_exit 75 smart-phone --config "$TMP/smart.conf" "$RUN"
expect_in "$TMP/err" "tls"
expect_eq "$(requests 'length')" 0 "requests that passed the handshake"
expect_eq "$(find "$TMP/base/var/outbox" -name '*.json' | wc -l)" 1

# With the CA: delivered.
phone_conf "$TMP/smart.conf" "https://127.0.0.1:$COACH_PORT/runs" COACH_RETRIES=0 "COACH_CA_FILE=$TMP/ca.pem"
expect_exit 0 smart-phone --config "$TMP/smart.conf" --flush
expect_eq "$(requests 'length')" 1 "deliveries"
expect_eq "$(requests '.[0].headers["idempotency-key"]')" "\"$RUN\""
expect_eq "$(find "$TMP/base/var/outbox" -name '*.json' | wc -l)" 0

# The host name is verified too: "localhost" is in the certificate, a name
# that is not fails even with the right CA.
phone_conf "$TMP/smart.conf" "https://localhost:$COACH_PORT/runs" COACH_RETRIES=0 "COACH_CA_FILE=$TMP/ca.pem"
expect_exit 0 smart-phone --config "$TMP/smart.conf" "$RUN"
