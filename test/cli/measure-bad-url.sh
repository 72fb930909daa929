#!/usr/bin/env bash
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/measure.sh"
# An unsupported or malformed URL is a usage error naming it; no output file.

expect_exit 2 smart-measure --url ftp://127.0.0.1/ --count 1 -o "$TMP/out.csv"
expect_in "$TMP/err" "smart-measure: error: --url 'ftp://127.0.0.1/': unsupported scheme 'ftp'"
[ ! -e "$TMP/out.csv" ] || fail "output file created on a usage error"
expect_exit 2 smart-measure --url 127.0.0.1 --count 1
expect_in "$TMP/err" "no scheme"
expect_exit 2 smart-measure --url tcp://127.0.0.1 --count 1
expect_in "$TMP/err" "tcp:// needs a port"
expect_exit 2 smart-measure --url http://127.0.0.1:99999/ --count 1
expect_in "$TMP/err" "invalid port '99999'"
