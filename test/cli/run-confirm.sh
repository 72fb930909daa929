#!/usr/bin/env bash
# smart-run --confirm VARIANT: only that variant is applied, and it stays
# unless this server shows it worse — a variant no better than the baseline
# is kept (a normal run reverts it), a slower one is reverted; an unknown
# variant is a usage error that changes nothing.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/run.sh"
command -v jq >/dev/null || fail "jq is not installed (packaging/install-deps.sh)"
X=$TMP/exp
plain_experiment "$X" e1
plain_conf "$TMP/smart.conf" "$X"
durations=(--baseline-seconds 1.5s --variant-seconds 1.5s)

# same latency as the baseline: a normal run reverts, a confirmation keeps
expect_exit 0 smart-run --config "$TMP/smart.conf" --json "${durations[@]}" e1
expect_eq "$(jq -r .status "$TMP/out")" reverted "normal run"
expect_eq "$(state_of "$X/e1")" baseline
expect_exit 0 smart-run --config "$TMP/smart.conf" --json "${durations[@]}" --confirm slow e1
expect_eq "$(jq -r .status "$TMP/out")" kept "confirmation"
expect_eq "$(jq -r .kept_variant "$TMP/out")" slow
expect_eq "$(jq -r '[.variants[].name] | join(",")' "$TMP/out")" slow "only the confirmed variant ran"
expect_in <(jq -r '.variants[0].reasons[]' "$TMP/out") "confirmation: not shown worse here"
expect_eq "$(state_of "$X/e1")" slow

# shown worse here: reverted
echo baseline >"$X/e1/state"
echo 40 >"$X/e1/latency.fast"
expect_exit 0 smart-run --config "$TMP/smart.conf" --json "${durations[@]}" --confirm fast e1
expect_eq "$(jq -r .status "$TMP/out")" reverted "worse variant"
expect_eq "$(jq -r .variants[0].outcome "$TMP/out")" revert
expect_eq "$(state_of "$X/e1")" baseline

# an unknown variant, the baseline, or --confirm with --advise: exit 2, nothing run
runs_before=$(ls "$TMP/base/var/runs" | wc -l)
expect_exit 2 smart-run --config "$TMP/smart.conf" --confirm medium e1
expect_in "$TMP/err" "e1 has no variant 'medium' to confirm (its variants: fast, slow)"
expect_exit 2 smart-run --config "$TMP/smart.conf" --confirm baseline e1
expect_exit 2 smart-run --config "$TMP/smart.conf" --confirm fast --advise e1
expect_in "$TMP/err" "--confirm needs an EXPERIMENT"
expect_eq "$(ls "$TMP/base/var/runs" | wc -l)" "$runs_before" "runs after the usage errors"
