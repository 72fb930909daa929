#!/usr/bin/env bash
# --list names the run in progress (pending.json: a variant applied now)
# instead of the last finished run's outcome, and says it in --json.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/run.sh"
command -v jq >/dev/null || skip "jq is not installed"
plain_conf "$TMP/smart.conf" "$TMP/exp"
plain_experiment "$TMP/exp" a_low '.priority = 1'
plain_experiment "$TMP/exp" b_high '.priority = 5'
mkdir -p "$TMP/base/var"
cat >"$TMP/base/var/pending.json" <<JSON
{"run_id": "20261203T090000Z", "experiment": "b_high", "experiment_dir": "$TMP/exp/b_high",
 "variant": "v2", "pid": 1, "since": "2026-12-03T09:00:00Z", "expected_end": "2026-12-03T09:15:00Z",
 "run_dir": "$TMP/base/var/runs/20261203T090000Z"}
JSON

expect_exit 0 smart-run --config "$TMP/smart.conf" --list
grep -E '^b_high +yes +5 +20261203T090000Z +running now +v2 applied since 2026-12-03T09:00:00Z, until 2026-12-03T09:15:00Z$' \
  "$TMP/out" >/dev/null || { cat "$TMP/out"; fail "--list line of the running experiment"; }
grep -E '^a_low +yes +1 +- +never run' "$TMP/out" >/dev/null || { cat "$TMP/out"; fail "--list line of a_low"; }
expect_exit 0 smart-run --config "$TMP/smart.conf" --list --json
expect_eq "$(jq -r '.[] | select(.id == "b_high") | .running.variant' "$TMP/out")" v2
expect_eq "$(jq -r '.[] | select(.id == "b_high") | .running.expected_end' "$TMP/out")" 2026-12-03T09:15:00Z
expect_eq "$(jq -r '.[] | select(.id == "a_low") | .running' "$TMP/out")" null
