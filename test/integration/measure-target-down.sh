#!/usr/bin/env bash
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/measure.sh"
# nginx stopped mid-run: probes become connect errors with code 0 and the run
# goes on to its end (exit 0); a port nobody listens on is the same from the start.

nginx_start "$TMP/nginx"
on_exit "nginx_stop '$TMP/nginx'"
smart-measure --url "$NGINX_URL" --duration 3s --interval 50ms -o "$TMP/run.csv" 2>"$TMP/run.err" &
pid=$!
on_exit "kill $pid 2>/dev/null"
wait_for rows_at_least "$TMP/run.csv" 5
nginx_stop "$TMP/nginx"
set +e; wait "$pid"; rc=$?; set -e
expect_eq "$rc" 0 "exit status"
column_values "$TMP/run.csv" 3,4 >"$TMP/kinds"
grep -q ' 200,$' "$TMP/kinds" || fail "no 200 before the stop: $(cat "$TMP/kinds")"
grep -q ' 0,connect$' "$TMP/kinds" || fail "no connect errors after the stop: $(cat "$TMP/kinds")"
expect_eq "$(tail -1 "$TMP/run.csv" | cut -d, -f3,4)" "0,connect" "last row"
[ "$(data_rows "$TMP/run.csv")" -ge 40 ] || fail "the run did not go on after the failures"
expect_in "$TMP/run.err" "connect "

port=$(free_port)
expect_exit 0 smart-measure --url "http://127.0.0.1:$port/" --count 3 --interval 10ms
expect_eq "$(tail -n +2 "$TMP/out" | cut -d, -f3,4 | sort -u)" "0,connect"
expect_in "$TMP/err" "3 samples, 3 errors (connect 3), no successful sample"
