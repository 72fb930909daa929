#!/usr/bin/env bash
# smart-dashboard --help and --version, and bad usage exits 2 with the usual message.
. "$(dirname "$0")/../lib/common.sh"

expect_exit 0 smart-dashboard --help
expect_in "$TMP/out" "Usage: smart-dashboard"
expect_in "$TMP/out" "--text"
expect_in "$TMP/out" "--out"
expect_in "$TMP/out" "health.json"
expect_in "$TMP/out" "DASH_ASSETS_DIR"

expect_exit 0 smart-dashboard --version
grep -Eq '^smart-dashboard [0-9]+\.[0-9]+\.[0-9]+' "$TMP/out" || fail "bad --version output: $(cat "$TMP/out")"

expect_exit 2 smart-dashboard --bogus
expect_in "$TMP/err" "smart-dashboard: error:"
expect_exit 2 smart-dashboard --config "$TMP/missing.conf"
expect_in "$TMP/err" "smart-dashboard: error:"
expect_in "$TMP/err" "missing.conf"

printf 'TIMER_INTERVAL=soon\n' >"$TMP/bad.conf"
expect_exit 2 smart-dashboard --config "$TMP/bad.conf"
expect_in "$TMP/err" "bad.conf:1"
