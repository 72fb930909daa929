#!/usr/bin/env bash
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
# Passive measurement: smart-measure --access-log follows a real nginx's log
# (the shipped "smart" log_format) while smart-measure's own probes are the
# users. Every request becomes a row (latency from $request_time), across a
# rotation by rename + reopen and a copytruncate; a malformed line is counted,
# skipped and named. A format without $request_time is refused by name.

dir=$TMP/nginx
nginx_start "$dir" "access_log $dir/access.log combined; location /page { return 200 \"page\n\"; }"
on_exit "nginx_stop '$dir'"
# The shipped format (log_format must come before its use): restart with it.
sed -i "s|^http {|http { include $SMART_SOURCE_DIR/packaging/nginx/smart-log-format.conf;|; s|access.log combined|access.log smart|" \
  "$NGINX_CONF"
nginx_stop "$dir"
"$(nginx_bin)" -p "$dir" -c "$NGINX_CONF" -e "$dir/error.log"
wait_for curl -fsS -o /dev/null "http://127.0.0.1:$NGINX_PORT/page"

smart-measure --access-log "$dir/access.log" --log-format smart --count 45 --duration 60s \
  -o "$TMP/passive.csv" 2>"$TMP/passive.err" &
passive=$!
on_exit "kill $passive 2>/dev/null"
wait_for grep -q '^timestamp' "$TMP/passive.csv"

users() { smart-measure --url "http://127.0.0.1:$NGINX_PORT/page" --count 15 --interval 1ms -o /dev/null 2>/dev/null; }
users
mv "$dir/access.log" "$dir/access.log.1" # logrotate's rename + create...
kill -USR1 "$(cat "$dir/nginx.pid")"     # ...and nginx reopening its logs
# The reopen is done once a request lands in the new file (requests before
# that went to the old one, whose rest the follower reads first).
wait_for sh -c "curl -s -o /dev/null http://127.0.0.1:$NGINX_PORT/page; test -s '$dir/access.log'"
echo 'a line in no format at all' >>"$dir/access.log"
users
rows() { [ "$(tail -n +2 "$TMP/passive.csv" | wc -l)" -ge "$1" ]; }
wait_for rows 31 # all read before the copytruncate: a shrunk file is re-read from 0
cp "$dir/access.log" "$dir/access.log.2" && : >"$dir/access.log" # copytruncate
users
wait "$passive" || fail "smart-measure --access-log exited $?"

expect_eq "$(head -1 "$TMP/passive.csv")" "timestamp,latency_ms,response_code,error"
# At least 15 + 1 + 15 + 15 requests were logged where the follower looks:
# it stops at --count 45.
expect_eq "$(tail -n +2 "$TMP/passive.csv" | wc -l | tr -d ' ')" "45"
expect_eq "$(tail -n +2 "$TMP/passive.csv" | cut -d, -f3 | sort -u)" "200"
RC=0 LAST_CMD="smart-measure --access-log"
expect_in "$TMP/passive.err" "malformed line skipped: a line in no format at all"
expect_in "$TMP/passive.err" "1 malformed lines skipped"

# The default format (combined) has no $request_time: refused, by name.
expect_exit 2 smart-measure --access-log "$dir/access.log" --count 1
expect_in "$TMP/err" "lacks \$request_time, which passive measurement (--access-log) needs"
