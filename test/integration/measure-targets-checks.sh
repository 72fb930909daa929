#!/usr/bin/env bash
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
# A target of a mix may carry its own response checks: a page that answers
# 200 and an API that answers 401 are both healthy when the API's line says
# --expect-status 401; without it only the API's rows are unexpected_status.

nginx_start "$TMP/nginx" 'location = /api { return 401 "who are you\n"; } location = /page { return 200 "page\n"; }'
on_exit "nginx_stop '$TMP/nginx'"
base=http://127.0.0.1:$NGINX_PORT

printf '%s\n' "$base/page 1" "$base/api 1 --expect-status 401 --expect-body '/who/'" >"$TMP/own.txt"
expect_exit 0 smart-measure --targets "$TMP/own.txt" --count 8 --interval 1ms
expect_eq "$(tail -n +2 "$TMP/out" | cut -d, -f3,5 | sort | uniq -c | awk '{print $1, $2}')" "4 200,$base/page
4 401,$base/api"
expect_eq "$(tail -n +2 "$TMP/out" | cut -d, -f4 | sort -u)" ""
expect_in "$TMP/err" "8 samples, 0 errors"

# --print-targets writes the checks back.
expect_exit 0 smart-measure --targets "$TMP/own.txt" --print-targets
expect_in "$TMP/out" "$base/api 1 --expect-status 401 --expect-body /who/"

printf '%s\n' "$base/page 1" "$base/api 1" >"$TMP/global.txt"
expect_exit 0 smart-measure --targets "$TMP/global.txt" --count 8 --interval 1ms
expect_eq "$(tail -n +2 "$TMP/out" | cut -d, -f4,5 | sort | uniq -c | awk '{print $1, $2}')" "4 ,$base/page
4 unexpected_status,$base/api"

printf '%s\n' "$base/page" "$base/api --expect-status 2000" >"$TMP/bad.txt"
expect_exit 2 smart-measure --targets "$TMP/bad.txt" --count 1
expect_in "$TMP/err" "bad.txt:2: --expect-status '2000'"
