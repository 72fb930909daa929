#!/usr/bin/env bash
# Retention: RETAIN_RUNS keeps the newest run directories; history.jsonl
# keeps every summary.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/run.sh"
command -v jq >/dev/null || skip "jq is not installed"
plain_experiment "$TMP/exp" plain 'del(.variants[2]) | .baseline_seconds = 0.2 | .variant_seconds = 0.2'
plain_conf "$TMP/smart.conf" "$TMP/exp"
echo RETAIN_RUNS=2 >>"$TMP/smart.conf"
for i in 1 2 3 4; do
  expect_exit 0 smart-run --config "$TMP/smart.conf" --advise plain
  ids+=("$(jq -r .run_id "$TMP/base/var/state.json")")
done
expect_eq "$(ls "$TMP/base/var/runs" | sort | tr '\n' ' ')" "${ids[2]} ${ids[3]} " "the newest two remain"
expect_eq "$(wc -l <"$TMP/base/var/history.jsonl")" 4
expect_eq "$(jq -r -s '.[0].run_id' "$TMP/base/var/history.jsonl")" "${ids[0]}"
expect_in "$TMP/err" "retention: removed 1 old run directory"
