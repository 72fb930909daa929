#!/usr/bin/env bash
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/measure.sh"
# --append adds rows under the existing header; a different header is refused.

port=$(free_port)
url="tcp://127.0.0.1:$port"
expect_exit 0 smart-measure --url "$url" --count 2 --interval 1ms -o "$TMP/a.csv" --append
expect_exit 0 smart-measure --url "$url" --count 3 --interval 1ms -o "$TMP/a.csv" --append
expect_eq "$(grep -c '^timestamp,' "$TMP/a.csv")" 1 "header lines"
expect_eq "$(data_rows "$TMP/a.csv")" 5 "rows after two appends"
cp "$TMP/a.csv" "$TMP/before.csv"
expect_exit 2 smart-measure --url "$url" --count 1 --block 2 -o "$TMP/a.csv" --append
expect_in "$TMP/err" "differs"
cmp -s "$TMP/a.csv" "$TMP/before.csv" || fail "a refused --append changed the file"
# Without --append the file is replaced.
expect_exit 0 smart-measure --url "$url" --count 1 -o "$TMP/a.csv"
expect_eq "$(data_rows "$TMP/a.csv")" 1 "rows after a plain -o"
