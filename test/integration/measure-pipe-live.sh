#!/usr/bin/env bash
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/measure.sh"
# Rows reach a pipe as they are measured, not at exit: a reader gets the
# first rows while a 60 s run is still going.

nginx_start "$TMP/nginx"
on_exit "nginx_stop '$TMP/nginx'"
mkfifo "$TMP/fifo"
smart-measure --url "$NGINX_URL" --duration 60s --interval 50ms >"$TMP/fifo" 2>/dev/null &
pid=$!
on_exit "kill -KILL $pid 2>/dev/null"
# Keep the pipe open while checking (closing it would end smart-measure by
# SIGPIPE at its next row).
exec 3<"$TMP/fifo"
: >"$TMP/first"
for _ in 1 2 3 4; do
  IFS= read -r -t 20 line <&3 || fail "no row within 20 s"
  echo "$line" >>"$TMP/first"
done
expect_eq "$(wc -l <"$TMP/first")" 4 "lines read"
expect_eq "$(tail -n +2 "$TMP/first" | cut -d, -f3 | sort -u)" "200"
kill -0 "$pid" 2>/dev/null || fail "smart-measure had already exited: rows were not live"
kill -TERM "$pid"
wait "$pid" 2>/dev/null || true
exec 3<&-
