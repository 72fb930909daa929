#!/usr/bin/env bash
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/measure.sh"
# Load mode takes a request mix: at a fixed rate, each target gets rows in
# proportion to its weight (the picker is deterministic), each row names its
# target and carries that target's status, a target's own --expect-status
# applies to it only, and methods and headers are sent as the file says.
# Two worker threads, each with its own picker. A mix across origins is
# refused, exit 2.

# nginx's own log of what it was sent (log_format must come before its use).
nginx_start "$TMP/nginx" "access_log $TMP/nginx/seen.log combined; location = /page { return 200 \"page\n\"; } location = /gone { return 404; } location = /api { return 401; }"
on_exit "nginx_stop '$TMP/nginx'"
sed -i "s|^http {|http { log_format seen '\$request_method \$uri \$http_accept_encoding';|; s|seen.log combined|seen.log seen|" \
  "$NGINX_CONF"
nginx_stop "$TMP/nginx"
"$(nginx_bin)" -p "$TMP/nginx" -c "$NGINX_CONF" -e "$TMP/nginx/error.log"
wait_for curl -fsS -o /dev/null "http://127.0.0.1:$NGINX_PORT/page"
base=http://127.0.0.1:$NGINX_PORT
: >"$TMP/nginx/seen.log"
cat >"$TMP/mix.txt" <<MIX
$base/page 3 -H 'Accept-Encoding: gzip'
$base/gone 2 --expect-status 404
$base/api 1 -X HEAD --expect-status 401
MIX

expect_exit 0 smart-measure --targets "$TMP/mix.txt" --rate 200 --duration 3s --concurrency 4 --threads 2 \
  -o "$TMP/mix.csv"
expect_eq "$(head -1 "$TMP/mix.csv")" "timestamp,latency_ms,response_code,error,target"
rows=$(data_rows "$TMP/mix.csv")
[ "$rows" -ge 580 ] && [ "$rows" -le 620 ] || fail "expected 600 +- ~3 % rows, got $rows"
# Each target's rows: its status, no error token.
expect_eq "$(tail -n +2 "$TMP/mix.csv" | cut -d, -f3,4,5 | sort -u)" "200,,$base/page
401,,$base/api
404,,$base/gone"
expect_in "$TMP/err" "$rows samples, 0 errors"
share() { # share TARGET: its rows per thousand
  echo $(($(tail -n +2 "$TMP/mix.csv" | cut -d, -f5 | grep -cx "$base/$1") * 1000 / rows))
}
within() { # within VALUE WANT: within 3 % of the rows
  [ "$1" -ge $(($2 - 30)) ] && [ "$1" -le $(($2 + 30)) ] || fail "share $1 per mille, expected $2 +- 30"
}
within "$(share page)" 500
within "$(share gone)" 333
within "$(share api)" 167
# nginx saw the methods and headers the file gives.
expect_eq "$(sort -u "$TMP/nginx/seen.log")" "GET /gone -
GET /page gzip
HEAD /api -"

# Without its own check, a target's rows fail the global one, and only its rows.
printf '%s\n' "$base/page 1" "$base/api 1" >"$TMP/global.txt"
expect_exit 0 smart-measure --targets "$TMP/global.txt" --rate 100 --count 40 --concurrency 2 -o "$TMP/global.csv"
expect_eq "$(tail -n +2 "$TMP/global.csv" | cut -d, -f4,5 | sort | uniq -c | awk '{print $1, $2}')" "20 ,$base/page
20 unexpected_status,$base/api"

printf '%s\n' "$base/page" "http://127.0.0.2:$NGINX_PORT/page" >"$TMP/two.txt"
expect_exit 2 smart-measure --targets "$TMP/two.txt" --rate 10 --count 1
expect_in "$TMP/err" "load mode takes a mix on one origin"
