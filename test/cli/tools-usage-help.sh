#!/usr/bin/env bash
# Every tool's --help lists its options as the usual command lines do
# ("  -h, --help", "      --json", "--timeout=T"), and shows defaults as they
# are written ("0.95", never "0.94999999999999996").
. "$(dirname "$0")/../lib/common.sh"

for tool in smart-run smart-measure smart-decide smart-dashboard smart-phone; do
  expect_exit 0 "$tool" --help
  expect_in "$TMP/out" "  -h, --help"
  expect_in "$TMP/out" "  -V, --version"
  expect_in "$TMP/out" "      --config=FILE"
  expect_not_in "$TMP/out" "[ --"
  awk 'length > 80 { print FILENAME": "length": "$0; bad = 1 } END { exit bad }' "$TMP/out" ||
    fail "$tool --help has lines over 80 columns"
done

expect_exit 0 smart-decide --help
expect_in "$TMP/out" "--confidence=C"
expect_in "$TMP/out" "(default: 0.95)"
expect_in "$TMP/out" "(default: 0.85)"
expect_in "$TMP/out" "(default: 10)"
expect_not_in "$TMP/out" "0.9499"
expect_not_in "$TMP/out" "0.8499"

expect_exit 0 smart-measure --help
expect_in "$TMP/out" "  -t, --timeout=T"
expect_in "$TMP/out" "(default: 5s)"
expect_in "$TMP/out" "Load mode:"
expect_in "$TMP/out" "  -c, --concurrency=C"
