#!/usr/bin/env bash
# Passive measurement with too little traffic is inconclusive, said plainly
# with the rate seen: one user at 1 request/s against measure.min_rate 5.
# Nothing is kept (even though the variant really is faster) and the run
# reverts.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/measure.sh"
. "$SMART_SOURCE_DIR/test/lib/experiment.sh"
. "$SMART_SOURCE_DIR/test/lib/passive.sh"
exp_need_smart_run

passive_site
passive_experiment lift_delay "echo '$PASSIVE_FAST' > $TMP/nginx/slow.conf && sh reload.sh"
passive_users 60 1 /slow

expect_exit 0 smart-run --config "$TMP/smart.conf" --json --variant-seconds 2s --block-seconds 1s lift_delay
cp "$TMP/out" "$TMP/summary.json"
expect_eq "$(jq -r .status "$TMP/summary.json")" reverted "status"
expect_eq "$(jq -r '.variants[0].outcome' "$TMP/summary.json")" inconclusive "outcome"
reason=$(jq -r .reason "$TMP/summary.json")
case $reason in
  *"inconclusive: too little traffic to judge: "*" requests/s seen (baseline "*"at least 5/s needed on each side"*) ;;
  *) fail "reason: $reason" ;;
esac
expect_eq "$(passive_slow_conf)" "$PASSIVE_SLOW" "the baseline is back"
