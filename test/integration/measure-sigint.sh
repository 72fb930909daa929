#!/usr/bin/env bash
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/measure.sh"
# SIGINT and SIGTERM end a run cleanly: exit 130/143, every measured row in
# the file (as many as the summary counts), each row complete.

nginx_start "$TMP/nginx"
on_exit "nginx_stop '$TMP/nginx'"
for sig in INT TERM; do
  smart-measure --url "$NGINX_URL" --duration 60s --interval 20ms -o "$TMP/$sig.csv" 2>"$TMP/$sig.err" &
  pid=$!
  on_exit "kill -KILL $pid 2>/dev/null"
  wait_for rows_at_least "$TMP/$sig.csv" 10
  kill -"$sig" "$pid"
  set +e; wait "$pid"; rc=$?; set -e
  want=130; [ "$sig" = TERM ] && want=143
  expect_eq "$rc" "$want" "exit status after SIG$sig"
  expect_in "$TMP/$sig.err" "interrupted by"
  expect_eq "$(data_rows "$TMP/$sig.csv")" "$(summary_count "$TMP/$sig.err")" "rows vs summary after SIG$sig"
  awk -F, 'NR > 1 && NF != 4 { exit 1 }' "$TMP/$sig.csv" || fail "an incomplete row"
  [ -z "$(tail -c 1 "$TMP/$sig.csv")" ] || fail "the last row has no newline"
done
