#!/usr/bin/env bash
# smart-run as root refuses to run in a state directory that belongs to
# another user (the package's smart user, which the timer runs as): a root
# run would leave root-owned files that make every later timer run fail.
# Exit 2, nothing written, nothing applied; --list and --dry-run still work.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/run.sh"
command -v jq >/dev/null || skip "jq is not installed"
[ "$(id -u)" -eq 0 ] || skip "needs root"
id -u nobody >/dev/null 2>&1 || skip "no user nobody"

plain_experiment "$TMP/exp" plain '.baseline_seconds = 0.2 | .variant_seconds = 0.2'
plain_conf "$TMP/smart.conf" "$TMP/exp"
base=$(sed -n 's/^BASE_DIR=//p' "$TMP/smart.conf")
mkdir -p "$base"
chown nobody "$base"
# the package's layout: BASE_DIR owned by smart, var/ not made yet
expect_exit 2 smart-run --config "$TMP/smart.conf" plain
expect_in "$TMP/err" "belongs to nobody"
expect_in "$TMP/err" "sudo -u nobody smart-run"
expect_eq "$(state_of "$TMP/exp/plain")" baseline "nothing applied"
expect_eq "$(find "$base" -mindepth 1 | wc -l)" 0 "nothing written"
expect_exit 2 smart-run --config "$TMP/smart.conf" --clear-revert-failed
expect_exit 0 smart-run --config "$TMP/smart.conf" --list
expect_exit 0 smart-run --config "$TMP/smart.conf" --dry-run plain
expect_eq "$(find "$base" -mindepth 1 | wc -l)" 0 "nothing written by --list and --dry-run"

# A state directory of root's own is root's to use.
chown root "$base"
expect_exit 0 smart-run --config "$TMP/smart.conf" plain
[ -s "$base/var/state.json" ] || fail "no state.json after a run in root's own state directory"
