#!/usr/bin/env bash
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
# --targets FILE: a weighted mix with methods and headers; nginx's own log
# shows each request as sent, and the samples name their target. A bad file
# is refused with every problem named by line, exit 2.

# nginx's own log of what it was sent (log_format must come before its use).
nginx_start "$TMP/nginx" "access_log $TMP/nginx/seen.log combined; location /p/ { return 200 \"page\n\"; }"
on_exit "nginx_stop '$TMP/nginx'"
sed -i "s|^http {|http { log_format seen '\$request_method \$uri \$http_accept_encoding';|; s|seen.log combined|seen.log seen|" \
  "$NGINX_CONF"
nginx_stop "$TMP/nginx"
"$(nginx_bin)" -p "$TMP/nginx" -c "$NGINX_CONF" -e "$TMP/nginx/error.log"
wait_for curl -fsS -o /dev/null "http://127.0.0.1:$NGINX_PORT/p/x"
: >"$TMP/nginx/seen.log"
base=http://127.0.0.1:$NGINX_PORT
cat >"$TMP/mix.txt" <<MIX
# two pages, one of them as a browser asks for it
$base/p/home 2 -H 'Accept-Encoding: gzip'
$base/p/api -X HEAD   # a HEAD: no body
MIX

expect_exit 0 smart-measure --targets "$TMP/mix.txt" --count 6 --interval 1ms
expect_eq "$(head -1 "$TMP/out")" "timestamp,latency_ms,response_code,error,target"
expect_eq "$(tail -n +2 "$TMP/out" | cut -d, -f5 | sort | uniq -c | awk '{print $1, $2}')" "2 $base/p/api
4 $base/p/home"
expect_eq "$(sort "$TMP/nginx/seen.log" | uniq -c | awk '{print $1, $2, $3, $4}')" "4 GET /p/home gzip
2 HEAD /p/api -"

printf '%s\n' "$base/ 0" "$base/ 1 -H nocolon" >"$TMP/bad.txt"
expect_exit 2 smart-measure --targets "$TMP/bad.txt" --count 1
expect_in "$TMP/err" "bad.txt:1: '0' is not a weight"
expect_in "$TMP/err" "bad.txt:2: header 'nocolon'"
