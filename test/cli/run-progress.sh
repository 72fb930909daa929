#!/usr/bin/env bash
# The progress line (phase, time left) is drawn only when stderr is a TTY;
# in a pipe or under systemd the log is plain lines.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/run.sh"
command -v jq >/dev/null || skip "jq is not installed"
command -v script >/dev/null || skip "script (util-linux) is not installed"
plain_experiment "$TMP/exp" plain 'del(.variants[2]) | .baseline_seconds = 1.5 | .variant_seconds = 1.5'
plain_conf "$TMP/smart.conf" "$TMP/exp"
expect_exit 0 smart-run --config "$TMP/smart.conf" plain
expect_not_in "$TMP/err" "left"
expect_not_in "$TMP/err" $'\r'
script -qec "smart-run --config '$TMP/smart.conf' plain" "$TMP/tty.log" >/dev/null
grep -q 'measuring baseline: [0-9]*s left' "$TMP/tty.log" || { cat -v "$TMP/tty.log" | head -20; fail "no progress line on a TTY"; }
grep -q '\[#*-*\]' "$TMP/tty.log" || fail "no progress bar on a TTY"
