#!/usr/bin/env bash
# A signal during an interleaved run's first baseline block (pending.json
# already written, nothing applied yet): smart-run exits cleanly and leaves
# no pending.json, so the next run does not "recover" a run that changed
# nothing (which wrote the same run_id twice in history.jsonl, the second
# time with a false "died while ... applied").
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/run.sh"
command -v jq >/dev/null || skip "jq is not installed"

plain_experiment "$TMP/exp" plain '.design = "interleaved" | .variant_seconds = 30 | .baseline_seconds = 30'
plain_conf "$TMP/smart.conf" "$TMP/exp"

smart-run --config "$TMP/smart.conf" plain >"$TMP/out" 2>"$TMP/err" &
pid=$!
wait_until grep -q "block 1/.* baseline: measuring" "$TMP/err"
[ -f "$TMP/base/var/pending.json" ] || fail "no pending.json in the first baseline block"
kill -TERM $pid
set +e; wait $pid; RC=$?; set -e
LAST_CMD="smart-run plain (SIGTERM in the first baseline block)"
[ "$RC" -eq 143 ] || { _show; fail "expected exit 143, got $RC"; }
expect_eq "$(state_of "$TMP/exp/plain")" baseline
[ ! -e "$TMP/base/var/pending.json" ] || fail "pending.json left after a clean exit"

# The next run recovers nothing: one history entry per run id.
plain_experiment "$TMP/exp" plain '.design = "interleaved" | .variant_seconds = 0.4 | .baseline_seconds = 0.4'
expect_exit 0 smart-run --config "$TMP/smart.conf" plain
expect_not_in "$TMP/err" "died while"
expect_eq "$(jq -r .run_id "$TMP/base/var/history.jsonl" | sort | uniq -d | wc -l)" 0 "run ids twice in history"
