#!/usr/bin/env bash
# --dry-run sends one probe of the target, through smart-measure with the
# experiment's own response checks, and says what it got; a target that is
# down or answers wrongly is reported (exit 0), and nothing is applied.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/run.sh"
. "$SMART_SOURCE_DIR/test/lib/measure.sh"
command -v jq >/dev/null || skip "jq is not installed"
slow_server_start
plain_experiment "$TMP/exp" probed \
  "del(.measure) | .variants[0].apply = \"touch applied\" | .target_url = \"http://127.0.0.1:$SLOW_PORT/\""
plain_conf "$TMP/smart.conf" "$TMP/exp"

expect_exit 0 smart-run --config "$TMP/smart.conf" --dry-run probed
expect_in "$TMP/out" "probe of the target now: HTTP 200 in"
expect_in "$TMP/out" "checks passed"
expect_exit 0 smart-run --config "$TMP/smart.conf" --dry-run --json probed
expect_eq "$(jq -r '.probe | "\(.sent) \(.ok) \(.response_code) \(.error)"' "$TMP/out")" "true true 200 " "probe JSON"

# The experiment's checks apply: the body "ok" does not contain "welcome".
jq '.expect_body = "welcome"' "$TMP/exp/probed/meta.json" >"$TMP/m" && mv "$TMP/m" "$TMP/exp/probed/meta.json"
expect_exit 0 smart-run --config "$TMP/smart.conf" --dry-run probed
expect_in "$TMP/out" "HTTP 200 in"
expect_in "$TMP/out" "counts as an error (body_mismatch)"
expect_exit 0 smart-run --config "$TMP/smart.conf" --dry-run --json probed
expect_eq "$(jq -r '.probe | "\(.ok) \(.error)"' "$TMP/out")" "false body_mismatch" "failed check in JSON"

# A target that is down: said plainly, still a dry run.
down=$(free_port)
jq "del(.expect_body) | .target_url = \"http://127.0.0.1:$down/\"" "$TMP/exp/probed/meta.json" >"$TMP/m" &&
  mv "$TMP/m" "$TMP/exp/probed/meta.json"
expect_exit 0 smart-run --config "$TMP/smart.conf" --dry-run probed
expect_in "$TMP/out" "no answer: connect"
expect_in "$TMP/out" "is the target up?"

# An experiment that measures with its own command gets no probe.
plain_experiment "$TMP/exp" own
expect_exit 0 smart-run --config "$TMP/smart.conf" --dry-run own
expect_in "$TMP/out" "probe of the target now: none sent (the experiment measures with its own command)"

[ ! -e "$TMP/exp/probed/applied" ] || fail "--dry-run applied something"
[ ! -e "$TMP/base" ] || fail "--dry-run wrote state"
