#!/usr/bin/env bash
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/measure.sh"
# SIGINT ends a load run with every row written: the file has as many rows
# as the summary counts, all complete, exit 130.

nginx_start "$TMP/nginx"
on_exit "nginx_stop '$TMP/nginx'"
smart-measure --url "$NGINX_URL" --concurrency 4 --duration 60s -o "$TMP/load.csv" 2>"$TMP/load.err" &
pid=$!
on_exit "kill -KILL $pid 2>/dev/null"
wait_for rows_at_least "$TMP/load.csv" 1000
kill -INT "$pid"
set +e; wait "$pid"; rc=$?; set -e
expect_eq "$rc" 130 "exit status"
expect_in "$TMP/load.err" "interrupted by"
expect_eq "$(data_rows "$TMP/load.csv")" "$(summary_count "$TMP/load.err")" "rows vs summary"
awk -F, 'NR > 1 && (NF != 4 || $3 != 200) { exit 1 }' "$TMP/load.csv" || fail "an incomplete or failed row"
[ -z "$(tail -c 1 "$TMP/load.csv")" ] || fail "the last row has no newline"
