#!/usr/bin/env bash
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/measure.sh"
# A name that does not resolve is a dns error row, not the end of the run.

expect_exit 0 smart-measure --url http://nonexistent.invalid/ --count 2 --interval 10ms --timeout 3s
expect_eq "$(data_rows "$TMP/out")" 2 "rows"
expect_eq "$(tail -n +2 "$TMP/out" | cut -d, -f3,4 | sort -u)" "0,dns"
expect_exit 0 smart-measure --url tcp://nonexistent.invalid:80 --count 1
expect_eq "$(tail -n +2 "$TMP/out" | cut -d, -f3,4)" "0,dns"
