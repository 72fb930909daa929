# A malformed line: exit 2, "file:line: why", nothing on stdout.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/decide_data.sh"
make_csv "$TMP/base.csv" 20 20 1
printf 'timestamp,latency_ms,response_code,error\nt,12.5,200,\nt,fast,200,\n' >"$TMP/var.csv"
expect_exit 2 smart-decide "$TMP/base.csv" "$TMP/var.csv"
expect_in "$TMP/err" "smart-decide: error: $TMP/var.csv:3: invalid latency_ms 'fast'"
expect_eq "$(cat "$TMP/out")" ""
printf 'timestamp,latency_ms,response_code,error\nt,12.5,2x0,\n' >"$TMP/var.csv"
expect_exit 2 smart-decide "$TMP/base.csv" "$TMP/var.csv"
expect_in "$TMP/err" "$TMP/var.csv:2: invalid response code '2x0'"
