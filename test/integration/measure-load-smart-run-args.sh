#!/usr/bin/env bash
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/measure.sh"
# The command line smart-run builds for an experiment with a "load" object
# (lib/smart/run/runner.cpp): --interval is always there, load options, a block
# and the abort guard. It must run in load mode, not fail as a usage error.

nginx_start "$TMP/nginx"
on_exit "nginx_stop '$TMP/nginx'"
expect_exit 0 smart-measure --url "$NGINX_URL" --duration 1s --interval 5s -o "$TMP/v.csv" \
  --concurrency 4 --rate 200 --block 2 --abort-err-pct 50 --abort-after 10
expect_eq "$(head -1 "$TMP/v.csv")" "timestamp,latency_ms,response_code,error,block"
rows=$(data_rows "$TMP/v.csv")
# The point is load mode (about 200 rows) rather than probe mode (1 row); the
# exact count is integration/measure-load-rate's job. A loaded machine may
# leave a few due requests unsent at the end, hence the loose lower bound.
[ "$rows" -ge 100 ] && [ "$rows" -le 210 ] || fail "load mode expected about 200 rows, got $rows (probe mode would give 1)"
expect_eq "$(tail -n +2 "$TMP/v.csv" | cut -d, -f3,5 | sort -u)" "200,2"
