#!/usr/bin/env bash
# A dead target (every probe refused) is not a baseline to compare against:
# the run ends "failed: target unhealthy" (exit 1) before any variant is
# applied, in both designs, and health.json and the dashboard say so.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/run.sh"
port=$(free_port) # nothing listens there
plain_experiment "$TMP/exp" dead ".target_url = \"http://127.0.0.1:$port/\" | del(.measure) | .measure_interval_sec = 0.02"
plain_conf "$TMP/smart.conf" "$TMP/exp"

for design in sequential interleaved; do
  expect_exit 1 smart-run --config "$TMP/smart.conf" --design $design --baseline-seconds 1s --variant-seconds 2s \
    --block-seconds 0.5s --warmup-seconds 0s dead
  state=$TMP/base/var/state.json
  expect_eq "$(jq -r .status "$state")" failed "$design"
  jq -e '.reason | startswith("target unhealthy: ")' "$state" >/dev/null || fail "$design: reason $(jq -r .reason "$state")"
  expect_in "$TMP/base/var/runs/$(jq -r .run_id "$state")/run.log" "connect"
  expect_eq "$(state_of "$TMP/exp/dead")" baseline "$design: a variant was applied"
  run_dir=$TMP/base/var/runs/$(jq -r .run_id "$state")
  [ ! -e "$run_dir/apply.fast.log" ] || fail "$design: a variant was applied"
done

expect_exit 0 smart-dashboard --config "$TMP/smart.conf"
health=$TMP/base/dashboard/health.json
[ -f "$health" ] || health=$(find "$TMP/base" -name health.json | head -1)
expect_eq "$(jq -r .status "$health")" failing
expect_in "$health" "target is unhealthy"
grep -rlq "target unhealthy" "$(dirname "$health")"/index.html || fail "the dashboard page does not say so"
