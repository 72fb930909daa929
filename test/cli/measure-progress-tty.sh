#!/usr/bin/env bash
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/measure.sh"
# A progress line goes to stderr only when stderr is a terminal; a pipe or a
# file (journald, a script) gets the summary line alone.

command -v script >/dev/null || skip "script(1) not installed"
port=$(free_port)
cmd="smart-measure --url tcp://127.0.0.1:$port --count 3 --interval 10ms -o $TMP/tty.csv"
# script(1) gives the command a pseudo-terminal; its output is the terminal's.
script -qec "$cmd" /dev/null >"$TMP/terminal" </dev/null || fail "smart-measure failed under a terminal"
expect_in "$TMP/terminal" "3 probes, 3 errors"
expect_in "$TMP/terminal" "smart-measure: 3 samples, 3 errors (connect 3)"

expect_exit 0 smart-measure --url "tcp://127.0.0.1:$port" --count 3 --interval 10ms -o "$TMP/pipe.csv"
expect_not_in "$TMP/err" "probes,"
expect_in "$TMP/err" "smart-measure: 3 samples, 3 errors (connect 3)"
expect_eq "$(wc -l <"$TMP/err")" 1 "stderr lines without a terminal"
