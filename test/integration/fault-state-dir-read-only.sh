#!/usr/bin/env bash
# The state directory cannot be written (a disk remounted read-only after
# errors): smart-run refuses at once, naming the directory and why, and
# nothing is applied; state.json and history stay as they were. The
# directory is made read-only with a bind mount in a mount namespace of the
# test's own (unshare -m), never the machine's. (A state directory that
# stops taking writes in the middle of a run is run-disk-full's case: a
# mount cannot turn read-only while smart-run holds files open in it.)
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/run.sh"
command -v jq >/dev/null || skip "jq is not installed"
command -v unshare >/dev/null || skip "unshare is not installed"
unshare -m true 2>/dev/null || skip "cannot make a mount namespace here"
plain_conf "$TMP/smart.conf" "$TMP/exp"
plain_experiment "$TMP/exp" plain '.variants = [.variants[0], .variants[1]] | .baseline_seconds = 0.5 | .variant_seconds = 0.5'
cp -p "$TMP/exp/plain/state" "$TMP/baseline.state"
var=$TMP/base/var
expect_exit 0 smart-run --config "$TMP/smart.conf" --advise plain
cp -p "$var/state.json" "$TMP/state.before"
history_lines=$(wc -l <"$var/history.jsonl")

# Read-only from the start.
cat >"$TMP/before.sh" <<SH
set -eu
mount --bind "$var" "$var"
mount -o remount,ro,bind "$var"
set +e
smart-run --config "$TMP/smart.conf" plain >"$TMP/out" 2>"$TMP/err"
echo \$? >"$TMP/rc"
SH
unshare -m sh "$TMP/before.sh"
LAST_CMD="smart-run on a read-only state directory" RC=$(cat "$TMP/rc")
[ "$RC" -ne 0 ] || fail "smart-run succeeded on a read-only state directory"
expect_in "$TMP/err" "$var"
expect_in "$TMP/err" "Read-only file system"
cmp "$TMP/exp/plain/state" "$TMP/baseline.state" || fail "something was applied"
cmp "$var/state.json" "$TMP/state.before" || fail "state.json changed"
expect_eq "$(wc -l <"$var/history.jsonl")" "$history_lines" "history lines"
[ ! -e "$var/pending.json" ] || fail "pending.json written"
