#!/usr/bin/env bash
# meta.json's passive measurement with a log format that lacks
# $request_time is refused by name, at --dry-run and at the start of a run:
# exit 2, the variant never applied.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/run.sh"
command -v jq >/dev/null || skip "jq is not installed"

plain_experiment "$TMP/exp" passive_combined \
  ".measure = {\"source\": \"access_log\", \"file\": \"$TMP/access.log\", \"log_format\": \"combined\"}"
: >"$TMP/access.log"
plain_conf "$TMP/smart.conf" "$TMP/exp"

for mode in --dry-run ""; do
  expect_exit 2 smart-run --config "$TMP/smart.conf" $mode passive_combined
  expect_in "$TMP/err" "measure.log_format: the format lacks \$request_time, which passive measurement needs"
  expect_eq "$(state_of "$TMP/exp/passive_combined")" baseline "nothing applied ($mode)"
done
