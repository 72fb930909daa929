#!/usr/bin/env bash
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
# stdout and stderr on one terminal (smart-measure run by hand, CSV to the
# screen): no progress line is drawn into the CSV rows; every row is whole
# on its own line and the summary comes after them.

command -v script >/dev/null || skip "script(1) not installed"
port=$(free_port)
# script(1) gives both stdout and stderr the same pseudo-terminal.
script -qec "smart-measure --url tcp://127.0.0.1:$port --count 5 --interval 10ms" /dev/null \
  >"$TMP/terminal" </dev/null || fail "smart-measure failed under a terminal"
tr -d '\r' <"$TMP/terminal" >"$TMP/lines"
expect_not_in "$TMP/lines" "probes,"
expect_not_in "$TMP/terminal" $'\033[K'
expect_eq "$(head -1 "$TMP/lines")" "timestamp,latency_ms,response_code,error" "first line"
rows=$(grep -cE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z,[0-9.]+,0,connect$' "$TMP/lines")
expect_eq "$rows" 5 "whole CSV rows on the terminal"
tail -1 "$TMP/lines" >"$TMP/last"
expect_in "$TMP/last" "smart-measure: 5 samples, 5 errors (connect 5)"
