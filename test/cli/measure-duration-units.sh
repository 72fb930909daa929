#!/usr/bin/env bash
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/measure.sh"
# Durations take units: a bad one is a usage error naming the option, and
# "300ms" means milliseconds (a run read as 300 s would hit the timeout).

expect_exit 2 smart-measure --url http://127.0.0.1/ --duration 5minutes
expect_in "$TMP/err" "--duration '5minutes': not a duration"
expect_exit 2 smart-measure --url http://127.0.0.1/ --interval=-1s
expect_in "$TMP/err" "--interval '-1s'"
expect_exit 2 smart-measure --url http://127.0.0.1/ --timeout 0
expect_in "$TMP/err" "--timeout must be more than 0"

port=$(free_port) # nothing listens: each probe is a fast connect error
expect_exit 0 timeout 20 smart-measure --url "tcp://127.0.0.1:$port" --duration 300ms --interval 100ms -o "$TMP/a.csv"
rows=$(data_rows "$TMP/a.csv")
[ "$rows" -ge 1 ] && [ "$rows" -le 3 ] || fail "300ms at 100ms: expected 1-3 rows, got $rows"
expect_exit 0 timeout 20 smart-measure --url "tcp://127.0.0.1:$port" --duration 0.3 --interval 0.1s -o "$TMP/b.csv"
rows=$(data_rows "$TMP/b.csv")
[ "$rows" -ge 1 ] && [ "$rows" -le 3 ] || fail "0.3 s at 0.1 s: expected 1-3 rows, got $rows"
