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

# With the format smart ships, --dry-run accepts it and says how it measures.
jq '.measure.log_format = "smart"' "$TMP/exp/passive_combined/meta.json" >"$TMP/m"
mv "$TMP/m" "$TMP/exp/passive_combined/meta.json"
expect_exit 0 smart-run --config "$TMP/smart.conf" --dry-run passive_combined
expect_in "$TMP/out" "measure: passive: the access log $TMP/access.log (log format smart), at least 1 requests/s a side"
