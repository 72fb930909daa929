#!/usr/bin/env bash
# smart-decide's numeric options are checked: a negative count or a level
# outside 0..1 is a usage error naming the option (exit 2, no verdict on
# stdout), never a wrapped-around 18446744073709551615.
. "$(dirname "$0")/../lib/common.sh"

printf 'timestamp,latency_ms,response_code\n2026-11-22T23:10:30.123Z,10.000,200\n' >"$TMP/a.csv"
check() { # check EXPECTED-MESSAGE ARGS...
  local want=$1; shift
  expect_exit 2 smart-decide "$@" "$TMP/a.csv" "$TMP/a.csv"
  expect_in "$TMP/err" "smart-decide: error: $want"
  [ ! -s "$TMP/out" ] || fail "smart-decide $* printed a verdict"
}
check "--min-samples '-1': expected a whole number from 1 to 1000000000" --min-samples -1
check "--min-samples '0': expected a whole number from 1 to 1000000000" --min-samples 0
check "--confidence '1.5': expected a number from 0 to 1" --confidence 1.5
check "--err-confidence '-0.1': expected a number from 0 to 1" --err-confidence -0.1
check "--confidence and --err-confidence must be between 0 and 1 (exclusive)" --confidence 1
check "--tail-tolerance-pct '-5': expected a number from 0 to 1000" --tail-tolerance-pct -5
check "--min-effect-pct 'x': expected a number from 0 to 100" --min-effect-pct x
expect_not_in "$TMP/err" "18446744073709551615"
