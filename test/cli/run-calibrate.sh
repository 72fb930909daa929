#!/usr/bin/env bash
# --calibrate: an A/A run (the baseline against itself, interleaved); no
# variant is applied; the summary reports the noise, the A/A verdict, the
# empirical false keeps and the budget needed to detect IMPROVE_PCT.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/run.sh"
command -v jq >/dev/null || skip "jq is not installed"
plain_experiment "$TMP/exp" plain '.variant_seconds = 2 | .block_seconds = 0.5'
plain_conf "$TMP/smart.conf" "$TMP/exp"
expect_exit 0 smart-run --config "$TMP/smart.conf" --calibrate --json plain
expect_eq "$(jq -r .mode "$TMP/out")" calibrate
expect_eq "$(jq -r .kept_variant "$TMP/out")" none
expect_eq "$(jq -r .status "$TMP/out")" reverted
expect_eq "$(jq -r .calibration.pairs "$TMP/out")" 4
expect_eq "$(jq -r .calibration.false_keep_trials "$TMP/out")" 21
jq -e '.calibration | has("block_diff_sd_pct") and has("pairs_needed") and has("budget_seconds") and (.false_keep_rate >= 0)' \
  "$TMP/out" >/dev/null || fail "calibration figures missing"
expect_in "$TMP/err" "empirical false keeps"
dir=$TMP/base/var/runs/$(jq -r .run_id "$TMP/out")
ls "$dir"/apply.fast.log "$dir"/apply.slow.log 2>/dev/null && fail "a variant was applied"
head -1 "$dir/aa.csv" | grep -q ',block' || fail "A/A samples carry no block"
expect_eq "$(state_of "$TMP/exp/plain")" baseline
