#!/usr/bin/env bash
# smart.conf is also the service's EnvironmentFile=: every line systemd
# would read differently is a warning naming file:line (and the file still
# loads); every bad value or line is reported at once (exit 2); --show-config
# still prints every value, marking the bad ones, then exits 2.
. "$(dirname "$0")/../lib/common.sh"

# The original file loads, with a warning per line systemd reads otherwise.
orig=$SMART_SOURCE_DIR/test/fixtures/original/smart.conf
expect_exit 0 smart-run --config "$orig" --show-config
expect_in "$TMP/out" "BASELINE_SECONDS = \"300\""
expect_in "$TMP/err" "smart-run: warning: $orig:3: BASELINE_SECONDS: systemd keeps a trailing comment as part of the value (the service sees '300          # first run collects baseline')"
expect_in "$TMP/err" "smart-run: warning: $orig:18: DASH_DIR: systemd does not expand \$ references (the service sees '\${BASE_DIR}/www')"
[ "$(grep -c 'systemd' "$TMP/err")" -eq 12 ] || fail "expected 12 systemd warnings"

# The packaged smart.conf means the same to both readers.
expect_exit 0 smart-run --config "$SMART_SOURCE_DIR/packaging/smart.conf" --show-config
expect_not_in "$TMP/err" "systemd"

# Every problem at once, with file:line.
cat >"$TMP/bad.conf" <<CONF
BASE_DIR=$TMP/base
IMPROVE_PCT=lots
just words
COOLDOWN_SECONDS=soon
CONF
expect_exit 2 smart-decide --config "$TMP/bad.conf" "$TMP/a.csv" "$TMP/b.csv"
expect_in "$TMP/err" "$TMP/bad.conf:3: expected KEY=VALUE, found 'just words'"
expect_in "$TMP/err" "$TMP/bad.conf:2: IMPROVE_PCT: invalid number 'lots'"
expect_in "$TMP/err" "$TMP/bad.conf:4: COOLDOWN_SECONDS: invalid duration 'soon'"
[ ! -s "$TMP/out" ] || fail "a verdict despite a bad configuration"

# --show-config prints anyway, marks the bad values, and exits 2.
expect_exit 2 smart-run --config "$TMP/bad.conf" --show-config
expect_in "$TMP/out" "($TMP/bad.conf:2) IMPROVE_PCT = \"lots\"  <- INVALID"
expect_in "$TMP/out" "($TMP/bad.conf:4) COOLDOWN_SECONDS = \"soon\"  <- INVALID"
expect_in "$TMP/out" "(default) MAX_ERR_DELTA_PCT = \"2\""
expect_not_in "$TMP/out" "MAX_ERR_DELTA_PCT = \"2\"  <- INVALID"
expect_in "$TMP/err" "$TMP/bad.conf:3: expected KEY=VALUE"
expect_in "$TMP/err" "$TMP/bad.conf:2: IMPROVE_PCT: invalid number 'lots'"
