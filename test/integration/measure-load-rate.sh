#!/usr/bin/env bash
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/measure.sh"
# Open loop: --rate 200 for 5 s sends 1,000 requests (within 2 %), one row
# each, and reports an achieved rate within 2 % of 200/s.

nginx_start "$TMP/nginx"
on_exit "nginx_stop '$TMP/nginx'"
expect_exit 0 smart-measure --url "$NGINX_URL" --rate 200 --duration 5s --concurrency 4 -o "$TMP/rate.csv"
rows=$(data_rows "$TMP/rate.csv")
[ "$rows" -ge 980 ] && [ "$rows" -le 1020 ] || fail "expected 1000 +- 2 % rows, got $rows"
expect_eq "$(tail -n +2 "$TMP/rate.csv" | cut -d, -f3,4 | sort -u)" "200,"
achieved=$(sed -n 's/.*, \([0-9]*\) req\/s$/\1/p' "$TMP/err")
[ -n "$achieved" ] && [ "$achieved" -ge 196 ] && [ "$achieved" -le 204 ] || fail "achieved rate '$achieved' not 200 +- 2 %: $(cat "$TMP/err")"
# Rows are spaced by the schedule: 5 ms apart on average.
first=$(sed -n 2p "$TMP/rate.csv" | cut -c18-23)
[ -n "$first" ] || fail "no first timestamp"
