#!/usr/bin/env bash
# --dry-run validates and prints the plan, executes nothing, needs no lock,
# writes no state; --json gives the plan as JSON; durations come from the
# command line > meta.json > smart.conf.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/run.sh"
command -v jq >/dev/null || skip "jq is not installed"
plain_experiment "$TMP/exp" plain '.variants[0].apply = "touch applied" | .variant_seconds = 7'
plain_conf "$TMP/smart.conf" "$TMP/exp"
expect_exit 0 smart-run --config "$TMP/smart.conf" --dry-run plain
expect_in "$TMP/out" "experiment plain"
expect_in "$TMP/out" "variant fast: apply"
expect_in "$TMP/out" "revert: echo baseline > state"
expect_in "$TMP/out" "nothing was executed"
# The plan's steps are numbered 1, 2, 3, ... in both designs.
steps() { grep -o '^[0-9]*\.' "$TMP/out" | tr -d . | tr '\n' ' '; }
expect_eq "$(steps)" "1 2 3 4 " "sequential plan steps"
[ ! -e "$TMP/exp/plain/applied" ] || fail "--dry-run executed the baseline apply"
[ ! -e "$TMP/base" ] || fail "--dry-run wrote state"
expect_exit 0 smart-run --config "$TMP/smart.conf" --dry-run --json --cooldown-seconds 2s plain
expect_eq "$(jq -r .variant_seconds "$TMP/out")" 7 "meta.json over smart.conf"
expect_eq "$(jq -r .cooldown_seconds "$TMP/out")" 2 "command line over meta.json"
expect_eq "$(jq -r .design "$TMP/out")" sequential
expect_eq "$(jq -r '.variants | length' "$TMP/out")" 2
# By directory path too, and interleaved by default.
jq 'del(.design)' "$TMP/exp/plain/meta.json" >"$TMP/m" && mv "$TMP/m" "$TMP/exp/plain/meta.json"
expect_exit 0 smart-run --config "$TMP/smart.conf" --dry-run --json "$TMP/exp/plain"
expect_eq "$(jq -r .design "$TMP/out")" interleaved
expect_exit 0 smart-run --config "$TMP/smart.conf" --dry-run "$TMP/exp/plain"
expect_eq "$(steps)" "1 2 3 " "interleaved plan steps (no separate baseline measurement)"
expect_exit 2 smart-run --config "$TMP/smart.conf" --dry-run nosuch
expect_in "$TMP/err" "experiment 'nosuch': not found"
# The plan's length, and a warning when no data could make it keep: 2 block
# pairs cannot bring the paired interval above 0 at 95 %; 10 can.
expect_exit 0 smart-run --config "$TMP/smart.conf" --dry-run --variant-seconds 60s --block-seconds 30s --warmup-seconds 5s "$TMP/exp/plain"
expect_in "$TMP/out" "planned duration: at most 270s (135s a variant)"
expect_in "$TMP/out" "warning: this plan can never keep a variant: 2 block pairs cannot show a gain"
expect_exit 0 smart-run --config "$TMP/smart.conf" --dry-run --json --variant-seconds 60s --block-seconds 30s "$TMP/exp/plain"
expect_eq "$(jq -r .can_keep "$TMP/out")" false
expect_exit 0 smart-run --config "$TMP/smart.conf" --dry-run --variant-seconds 300s --block-seconds 30s --warmup-seconds 5s "$TMP/exp/plain"
expect_not_in "$TMP/out" "warning:"
expect_in "$TMP/out" "planned duration: at most 1310s"
