#!/usr/bin/env bash
# kill -9 of smart-run's whole process group while an apply runs whose child
# writes the variant about 3 s later (a helper that outlives its parent: it
# is in the command's own process group, which the kill does not reach).
# pending.json names that group; the next run's recovery kills it and waits
# for it before the revert, so the managed file ends byte-identical to the
# baseline and the late write never happens.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/run.sh"
command -v jq >/dev/null || skip "jq is not installed"
command -v setsid >/dev/null || skip "setsid is not installed"
plain_conf "$TMP/smart.conf" "$TMP/exp"
# The apply starts the late writer, notes its pid, then waits (a slow apply).
plain_experiment "$TMP/exp" late '.variants = [{"name": "fast", "apply": ["/bin/sh", "-c",
  "(sleep 3; echo fast > state; touch late.done) & echo $! > late.pid; sleep 30"]}]'
cp -p "$TMP/exp/late/state" "$TMP/baseline.state"

setsid smart-run --config "$TMP/smart.conf" late >"$TMP/out1" 2>"$TMP/err1" &
pid=$!
on_exit "kill -9 -- -$pid 2>/dev/null; [ -s $TMP/exp/late/late.pid ] && kill -9 \$(cat $TMP/exp/late/late.pid) 2>/dev/null"
wait_until test -s "$TMP/exp/late/late.pid"
late=$(cat "$TMP/exp/late/late.pid")
kill -9 -- "-$pid"
wait "$pid" 2>/dev/null || true
kill -0 "$late" || fail "the late writer should outlive smart-run's group"
jq -e '.pgid > 0' "$TMP/base/var/pending.json" >/dev/null || fail "pending.json does not name the command's group"

# The recovery alone: it runs nothing of its own that could mask the writer.
expect_exit 0 smart-run --config "$TMP/smart.conf" --recover
expect_in "$TMP/err" "still running (process group"
# Either the recovery killed the writer or it wrote: wait for it to be gone.
wait_until sh -c "! kill -0 $late"
[ ! -e "$TMP/exp/late/late.done" ] || fail "the late writer ran after the recovery"
cmp "$TMP/exp/late/state" "$TMP/baseline.state" || fail "the managed file is not byte-identical after recovery"
