#!/usr/bin/env bash
# The revert does not depend on writing its log: the run directory cannot
# take revert.<variant>.log (here a directory already stands at that path,
# which stops root as surely as a read-only directory would). The revert
# still runs, its output goes to smart-run's stderr, the managed file ends
# as before the run, and the run ends reverted (exit 0), not revert_failed.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/run.sh"
command -v jq >/dev/null || skip "jq is not installed"
plain_conf "$TMP/smart.conf" "$TMP/exp"
plain_experiment "$TMP/exp" plain '.baseline_seconds = 0.3 | .variant_seconds = 0.3
  | .variants = [{"name": "fast", "apply": "echo fast > state; mkdir \"$SMART_RUN_DIR/revert.fast.log\""}]
  | .revert = "echo baseline > state; echo revert-says-hello"'
cp -p "$TMP/exp/plain/state" "$TMP/baseline.state"

expect_exit 0 smart-run --config "$TMP/smart.conf" --advise plain
expect_in "$TMP/err" "cannot open log file"
expect_in "$TMP/err" "revert-says-hello"
cmp "$TMP/exp/plain/state" "$TMP/baseline.state" || fail "the managed file is not as before the run"
expect_eq "$(jq -r .status "$TMP/base/var/state.json")" reverted
[ ! -e "$TMP/base/var/pending.json" ] || fail "pending.json left"
[ ! -e "$TMP/base/var/revert_failed.json" ] || fail "revert_failed.json written"
