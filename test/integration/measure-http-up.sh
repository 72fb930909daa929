#!/usr/bin/env bash
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/measure.sh"
# Against a live nginx every probe is a 200 with no error, the rows parse as
# samples CSV, and the summary on stderr counts them.

nginx_start "$TMP/nginx"
on_exit "nginx_stop '$TMP/nginx'"
expect_exit 0 smart-measure --url "$NGINX_URL" --count 20 --interval 20ms -o "$TMP/up.csv"
expect_eq "$(head -1 "$TMP/up.csv")" "timestamp,latency_ms,response_code,error"
expect_eq "$(data_rows "$TMP/up.csv")" 20 "rows"
expect_eq "$(tail -n +2 "$TMP/up.csv" | cut -d, -f3,4 | sort -u)" "200," "codes and errors"
# RFC 3339 UTC milliseconds, latency with 3 decimals.
tail -n +2 "$TMP/up.csv" | grep -Evq '^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z,[0-9]+\.[0-9]{3},200,$' \
  && fail "a row is not in the samples CSV format"
expect_in "$TMP/err" "smart-measure: 20 samples, 0 errors, p50 "
# A 5xx is a response with a code outside 2xx/3xx: code 500, token unexpected_status.
expect_exit 0 smart-measure --url "${NGINX_URL}500" --count 2 --interval 1ms
expect_eq "$(tail -n +2 "$TMP/out" | cut -d, -f3,4 | sort -u)" "500,unexpected_status"
expect_in "$TMP/err" "2 errors (http_5xx 2)"
