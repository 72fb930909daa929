#!/usr/bin/env bash
# Passive measurement does not keep a no-op: the variant reloads nginx with
# the very same configuration, the users' traffic (judged from the access
# log) is as slow under it as under the baseline, and the run reverts.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/measure.sh"
. "$SMART_SOURCE_DIR/test/lib/experiment.sh"
. "$SMART_SOURCE_DIR/test/lib/passive.sh"
exp_need_smart_run

passive_site
passive_experiment same_again "sh reload.sh"
passive_users 120 16 /slow
passive_users 120 3 /small.html /page.html /big.html

expect_exit 0 smart-run --config "$TMP/smart.conf" --json --variant-seconds 6s --block-seconds 1s same_again
cp "$TMP/out" "$TMP/summary.json"
expect_eq "$(jq -r .status "$TMP/summary.json")" reverted "status"
expect_eq "$(jq -r .kept_variant "$TMP/summary.json")" none "kept variant"
outcome=$(jq -r '.variants[0].outcome' "$TMP/summary.json")
case $outcome in revert | inconclusive) ;; *) fail "variant outcome $outcome" ;; esac
# Judged on real traffic, not on too little of it.
expect_not_in "$TMP/out" "too little traffic"
[ "$(jq -r .passive.requests_in_blocks "$TMP/summary.json")" -gt 100 ] || fail "too few requests judged"
expect_eq "$(passive_slow_conf)" "$PASSIVE_SLOW" "the baseline is back"
