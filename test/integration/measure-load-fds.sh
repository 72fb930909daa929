#!/usr/bin/env bash
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/measure.sh"
# No file-descriptor growth over 100,000 requests, with nginx closing each
# connection after 10 requests (10,000 reconnects): the open descriptors of
# the running process stay flat.

nginx_start "$TMP/nginx" "keepalive_requests 10;"
on_exit "nginx_stop '$TMP/nginx'"
smart-measure --url "$NGINX_URL" --concurrency 4 --count 100000 --sample-every 100 -o "$TMP/fds.csv" 2>"$TMP/fds.err" &
pid=$!
on_exit "kill -KILL $pid 2>/dev/null"
: >"$TMP/counts"
while kill -0 "$pid" 2>/dev/null; do
  ls "/proc/$pid/fd" 2>/dev/null | wc -l >>"$TMP/counts" || true
  sleep 0.1
done
set +e; wait "$pid"; rc=$?; set -e
expect_eq "$rc" 0 "exit status"
expect_in "$TMP/fds.err" "100000 samples, 0 errors"
expect_eq "$(data_rows "$TMP/fds.csv")" 1000 "rows with --sample-every 100"
# The first count may predate the connections and the last two may catch the
# process closing everything on its way out: compare the ones in between.
tail -n +2 "$TMP/counts" | head -n -2 | sort -n | uniq >"$TMP/distinct"
[ "$(grep -c . "$TMP/distinct")" -ge 1 ] || fail "no descriptor counts taken"
min=$(head -1 "$TMP/distinct"); max=$(tail -1 "$TMP/distinct")
[ $((max - min)) -le 2 ] || fail "descriptors grew from $min to $max: $(tr '\n' ' ' <"$TMP/counts")"
[ "$max" -le 20 ] || fail "$max descriptors open for 4 connections"
