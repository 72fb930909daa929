#!/usr/bin/env bash
# --register: a random claim token is shown once, only its SHA-256 is sent
# (with the host name and version); the API key is polled for and stored
# 0600 at COACH_TOKEN_FILE, then used as the Bearer token.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/coach.sh"

start_coach --claim-polls 2 --api-key "issued-key-$RANDOM"
KEY_FILE=$TMP/coach_token
phone_conf "$TMP/smart.conf" "http://127.0.0.1:$COACH_PORT" "COACH_TOKEN_FILE=$KEY_FILE"

expect_exit 0 smart-phone --config "$TMP/smart.conf" --register --poll-interval 100ms --wait 20s
claim=$(grep -oE '[0-9a-f]{32}' "$TMP/out" | head -1)
[ -n "$claim" ] || fail "no claim token shown"
hash=$(printf '%s' "$claim" | sha256sum | cut -d' ' -f1)
expect_eq "$(requests '.[0].path')" '"/claims"'
expect_eq "$(requests '.[0].body.token_hash')" "\"$hash\""
expect_eq "$(requests '.[0].body.hostname')" "\"$(hostname)\""
expect_eq "$(requests '.[0].body | has("version")')" true
# The claim token itself never went over the wire.
if grep -qF "$claim" "$COACH_LOG"; then fail "claim token sent"; fi
expect_eq "$(requests '[.[] | select(.method == "GET")] | length')" 3 "polls"
expect_eq "$(requests '.[1].path')" "\"/claims/$hash\""
key=$(tr -d '\n' <"$KEY_FILE")
expect_eq "$(stat -c %a "$KEY_FILE")" 600
case "$key" in issued-key-*) ;; *) fail "stored key is '$key'" ;; esac
expect_not_in "$TMP/out" "$key"
expect_not_in "$TMP/err" "$key"

# Registered once: a second --register refuses to overwrite the key.
expect_exit 2 smart-phone --config "$TMP/smart.conf" --register --poll-interval 100ms --wait 2s
expect_in "$TMP/err" "already exists"

# The stored key is used.
make_state "$TMP/base" 20261122T232318Z
expect_exit 0 smart-phone --config "$TMP/smart.conf" 20261122T232318Z
expect_eq "$(requests '.[-1].headers.authorization')" "\"Bearer $key\""
