#!/usr/bin/env bash
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/measure.sh"
# Usage errors exit 2 with "smart-measure: error: ..." and write nothing.

expect_exit 2 smart-measure --duration 1s
expect_in "$TMP/err" "smart-measure: error: --url is required"
expect_exit 2 smart-measure --url http://127.0.0.1/ --bogus
expect_in "$TMP/err" "smart-measure: error:"
expect_exit 2 smart-measure --url http://127.0.0.1/ --count abc
expect_in "$TMP/err" "smart-measure: error:"
expect_exit 2 smart-measure --url http://127.0.0.1/ --count 0
expect_in "$TMP/err" "--count '0': expected a whole number from 1 up"
expect_exit 2 smart-measure --url http://127.0.0.1/ --append
expect_in "$TMP/err" "--append needs -o FILE"
expect_exit 2 smart-measure --url http://127.0.0.1/ --threads 2
expect_in "$TMP/err" "need load mode"
expect_exit 2 smart-measure --url tcp://127.0.0.1:1 --concurrency 2
expect_in "$TMP/err" "load mode needs an http:// or https:// target"
expect_exit 2 smart-measure --url https://127.0.0.1/ --cacert "$TMP/missing.pem" -o "$TMP/x.csv"
expect_in "$TMP/err" "--cacert $TMP/missing.pem"
[ ! -e "$TMP/x.csv" ] || fail "a usage error created the output file"
expect_exit 2 smart-measure --url http://127.0.0.1/ --config "$TMP/no-such.conf"
expect_in "$TMP/err" "no-such.conf"
