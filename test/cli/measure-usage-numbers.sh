#!/usr/bin/env bash
# Numbers on smart-measure's command line are checked: a negative or
# out-of-range value is a usage error naming the option (exit 2, nothing
# measured), never a wrapped-around huge number that measures without limit.
. "$(dirname "$0")/../lib/common.sh"

# Port 9 (discard) on the loopback: nothing may be probed anyway; the
# timeout bounds the test should a check ever let a run start.
url=http://127.0.0.1:9/
check() { # check EXPECTED-MESSAGE ARGS...
  local want=$1; shift
  expect_exit 2 timeout 20 smart-measure --url "$url" --duration 2s "$@"
  expect_in "$TMP/err" "smart-measure: error: $want"
  [ ! -s "$TMP/out" ] || fail "smart-measure $* wrote samples"
}
check "--count '-3': expected a whole number from 1 up" -n -3
check "--count '2.5': expected a whole number from 1 up" --count 2.5
check "--block '-1': expected a whole number from 0 to 4294967295" --block -1
check "--abort-after '-10': expected a whole number from 1 up" --abort-err-pct 5 --abort-after -10
check "--abort-err-pct '101': expected a number from 0 to 100" --abort-err-pct 101
check "--concurrency '-4': expected a whole number from 1 to 10000" -c -4
check "--concurrency '20000': expected a whole number from 1 to 10000" -c 20000
check "--rate '-5': expected a number from 0 to 10000000" --rate -5
check "--rate 'nan': expected a number from 0 to 10000000" --rate nan
check "--threads '-1': expected a whole number from 1 to 10000" -c 2 --threads -1
check "--sample-every '-2': expected a whole number from 1 up" -c 2 --sample-every -2
