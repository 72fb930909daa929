#!/usr/bin/env bash
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
# --replay builds the mix from a generated combined log: the most requested
# GET/HEAD paths weighted by count, POSTs never replayed, --exclude'd paths
# never requested, a malformed line counted and named; smart-measure then
# requests the mix on a real nginx (probes, then load mode) and every row
# names its target.

nginx_start "$TMP/nginx" "location /site/ { alias $TMP/nginx/html/; }"
on_exit "nginx_stop '$TMP/nginx'"
base=http://127.0.0.1:$NGINX_PORT
head -c 100 /dev/zero >"$TMP/nginx/html/small.html"
head -c 200000 /dev/zero >"$TMP/nginx/html/big.html"

log=$TMP/access.log
line() { echo "10.0.0.$1 - - [03/Dec/2026:09:03:09 +0000] \"$2 $3 HTTP/1.1\" 200 10 \"-\" \"ua\""; }
{
  for i in 1 2 3 4 5 6; do line "$i" GET "/site/small.html?session=$i"; done
  for i in 1 2; do line "$i" GET /site/big.html; done
  line 1 HEAD /site/big.html
  for i in 1 2 3 4 5 6 7 8 9; do line "$i" POST /login; done
  for i in 1 2 3; do line "$i" GET /admin/users; done
  echo 'this is not a log line'
  line 1 GET /rare
} >"$log"

expect_exit 0 smart-measure --url "$base" --replay "$log" --top 2 --exclude '/admin/*' --print-targets
expect_eq "$(grep -v '^#' "$TMP/out")" "$base/site/small.html 6
$base/site/big.html 3"
expect_in "$TMP/err" "9 other requests (POST, PUT...) never replayed"
expect_in "$TMP/err" "3 excluded"
expect_in "$TMP/err" "1 malformed lines skipped (the first: line 22)"

# Query strings kept on request: each query is its own path.
expect_exit 0 smart-measure --url "$base" --replay "$log" --top 50 --keep-query --print-targets
expect_in "$TMP/out" "$base/site/small.html?session=3 1"
expect_not_in "$TMP/out" "/login"

# Measured: 9 probes on the 6:3 mix, each row with its target.
expect_exit 0 smart-measure --url "$base" --replay "$log" --top 2 --exclude '/admin/*' --count 9 --interval 1ms
expect_eq "$(head -1 "$TMP/out")" "timestamp,latency_ms,response_code,error,target"
expect_eq "$(tail -n +2 "$TMP/out" | cut -d, -f5 | sort | uniq -c | awk '{print $1, $2}')" "3 $base/site/big.html
6 $base/site/small.html"
expect_eq "$(tail -n +2 "$TMP/out" | cut -d, -f3 | sort -u)" "200"

# In load mode too: 90 requests at a fixed rate on the same 6:3 mix.
expect_exit 0 smart-measure --url "$base" --replay "$log" --top 2 --exclude '/admin/*' --rate 300 --count 90 \
  --concurrency 2
expect_eq "$(tail -n +2 "$TMP/out" | cut -d, -f3,5 | sort | uniq -c | awk '{print $1, $2}')" "30 200,$base/site/big.html
60 200,$base/site/small.html"
