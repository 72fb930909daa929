#!/usr/bin/env bash
# A full disk under the state directory never leaves the server changed:
#  - full before the run: smart-run refuses with the cause, nothing applied;
#  - full while a variant is measured (its measurement fails writing): the
#    variant is reverted at once, the run ends with exit 1 and the cause
#    ("No space left on device"), no child dies of a signal, pending.json
#    does not outlive the revert;
#  - with space again, the next run is an ordinary run.
# Needs root for a small tmpfs (skipped where mounting is not allowed).
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/run.sh"
command -v jq >/dev/null || skip "jq is not installed"
[ "$(id -u)" -eq 0 ] || skip "mounting a tmpfs needs root"
disk=$TMP/disk
mkdir -p "$disk"
mount -t tmpfs -o size=256k,mode=0755 smart-test-full "$disk" 2>/dev/null || skip "cannot mount a tmpfs here"
on_exit "umount -l '$disk'"
fill() { dd if=/dev/zero of="$disk/fill" bs=4k >/dev/null 2>&1 || true; }

plain_experiment "$TMP/exp" plain '.baseline_seconds = 0.5 | .variant_seconds = 30'
plain_conf "$TMP/smart.conf" "$TMP/exp"
sed -i "s|^BASE_DIR=.*|BASE_DIR=$disk/base|" "$TMP/smart.conf"
var=$disk/base/var

# 1. Full before the run.
mkdir -p "$var"
fill
run smart-run --config "$TMP/smart.conf" plain
[ "$RC" -ne 0 ] && [ "$RC" -lt 128 ] || { _show; fail "full before the run: exit $RC"; }
expect_in "$TMP/err" "No space left on device"
expect_eq "$(state_of "$TMP/exp/plain")" baseline "nothing applied"
[ ! -e "$var/pending.json" ] || fail "pending.json after a run that applied nothing"
rm -f "$disk/fill"
rm -rf "$var/runs"

# 2. Full while the variant "fast" is measured (30 s: cut short when the
#    measurement fails writing).
smart-run --config "$TMP/smart.conf" plain >"$TMP/out2" 2>"$TMP/err2" &
pid=$!
on_exit "kill $pid 2>/dev/null || true"
wait_until grep -qx fast "$TMP/exp/plain/state"
wait_until test -s "$(ls -d "$var"/runs/*/ | head -1)/fast.csv"
fill
set +e
wait "$pid"
rc=$?
set -e
[ "$rc" -eq 1 ] || { cat "$TMP/err2" >&2; fail "full while measuring: exit $rc, expected 1 (failed, reverted)"; }
expect_in "$TMP/err2" "No space left on device"
expect_not_in "$TMP/err2" "killed by signal"
expect_eq "$(state_of "$TMP/exp/plain")" baseline "the variant is reverted"
[ ! -e "$var/pending.json" ] || fail "pending.json left after the revert"

# 3. Space again: an ordinary run, nothing to recover.
rm -f "$disk/fill"
rm -rf "$var/runs"
jq '.variant_seconds = 0.5' "$TMP/exp/plain/meta.json" >"$TMP/m" && mv "$TMP/m" "$TMP/exp/plain/meta.json"
expect_exit 0 smart-run --config "$TMP/smart.conf" plain
expect_not_in "$TMP/err" "recover"
expect_eq "$(jq -r .status "$var/state.json")" reverted
expect_eq "$(state_of "$TMP/exp/plain")" baseline
