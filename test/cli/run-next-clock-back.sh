#!/usr/bin/env bash
# --next after the clock went back: history holds runs dated in the future
# (a clock that was a year ahead, since corrected). Runs made now are dated
# earlier than those, yet they are the latest: --next must alternate between
# the experiments, not pick the one it has just run again and again.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/run.sh"
command -v jq >/dev/null || skip "jq is not installed"
plain_conf "$TMP/smart.conf" "$TMP/exp"
plain_experiment "$TMP/exp" a_exp '.baseline_seconds = 0.3 | .variant_seconds = 0.3 | .variants = [.variants[1]]'
plain_experiment "$TMP/exp" b_exp '.baseline_seconds = 0.3 | .variant_seconds = 0.3 | .variants = [.variants[1]]'
mkdir -p "$TMP/base/var"
history_line() { # ID RUN_ID STARTED_AT
  jq -c -n --arg id "$1" --arg run "$2" --arg at "$3" \
    '{run_id: $run, experiment: $id, status: "reverted", mode: "advise", started_at: $at, finished_at: $at}'
}
{
  history_line a_exp 20991001T000000Z 2099-10-01T00:00:00Z
  history_line b_exp 20991002T000000Z 2099-10-02T00:00:00Z
} >"$TMP/base/var/history.jsonl"
picked=()
for i in 1 2 3; do
  expect_exit 0 smart-run --config "$TMP/smart.conf" --next --advise
  picked+=("$(jq -r .experiment "$TMP/base/var/state.json")")
done
expect_eq "${picked[*]}" "a_exp b_exp a_exp" "--next after a clock set back"
expect_eq "$(wc -l <"$TMP/base/var/history.jsonl")" 5
