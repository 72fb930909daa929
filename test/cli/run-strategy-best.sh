#!/usr/bin/env bash
# Strategy best: every variant is screened (confidence split across them),
# then the best is confirmed in a fresh comparison and kept; first-winner
# would have stopped at the first better one.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/run.sh"
command -v jq >/dev/null || skip "jq is not installed"
plain_experiment "$TMP/exp" plain '.strategy = "best" | .baseline_seconds = 0.6 | .variant_seconds = 0.6'
plain_conf "$TMP/smart.conf" "$TMP/exp"
echo 8 >"$TMP/exp/plain/latency.fast"
echo 5 >"$TMP/exp/plain/latency.slow" # "slow" is the faster one here
echo 30 >"$TMP/exp/plain/burst"    # enough samples to bound the error rate
expect_exit 0 smart-run --config "$TMP/smart.conf" plain
state=$TMP/base/var/state.json
expect_eq "$(jq -r .kept_variant "$state")" slow
expect_eq "$(state_of "$TMP/exp/plain")" slow
expect_eq "$(jq -r '[.variants[].name] | join(",")' "$state")" "fast,slow,slow.confirm"
expect_eq "$(jq -r '.variants[] | select(.name == "slow") | .outcome' "$state")" keep
expect_eq "$(jq -r '.variants[] | select(.name == "fast") | .outcome' "$state")" revert "screened, better, but not the best"
expect_in "$TMP/err" "confidence 0.9750 (Bonferroni)"
dir=$TMP/base/var/runs/$(jq -r .run_id "$state")
expect_eq "$(jq -r .thresholds.confidence "$dir/fast.decision.json")" 0.975
expect_eq "$(jq -r .thresholds.confidence "$dir/slow.confirm.decision.json")" 0.95

# first-winner keeps the first better one.
jq '.strategy = "first-winner"' "$TMP/exp/plain/meta.json" >"$TMP/m" && mv "$TMP/m" "$TMP/exp/plain/meta.json"
echo baseline >"$TMP/exp/plain/state"
expect_exit 0 smart-run --config "$TMP/smart.conf" plain
expect_eq "$(jq -r .kept_variant "$state")" fast
