#!/usr/bin/env bash
# --text prints the status for a terminal and writes nothing; colour only on
# a TTY, and never with NO_COLOR.
. "$(dirname "$0")/../lib/common.sh"

fixture=$SMART_SOURCE_DIR/test/fixtures/dashboard/normal
printf 'VAR_DIR=%s\nDASH_DIR=%s\n' "$fixture" "$TMP/www" >"$TMP/smart.conf"

expect_exit 0 smart-dashboard --config "$TMP/smart.conf" --text
expect_in "$TMP/out" "001_nginx_workers"
expect_in "$TMP/out" "KEPT"
expect_in "$TMP/out" "workers_2 *"
expect_in "$TMP/out" "next to try: workers_4"
expect_not_in "$TMP/out" $'\x1b['
[ ! -e "$TMP/www" ] || fail "--text wrote $TMP/www"

# On a terminal (script(1) gives it one): colour, unless NO_COLOR.
if command -v script >/dev/null; then
  env -u NO_COLOR script -qec "smart-dashboard --config '$TMP/smart.conf' --text" /dev/null >"$TMP/tty" </dev/null
  grep -q $'\x1b\[1;32mKEPT' "$TMP/tty" || fail "no colour on a terminal: $(head -c 300 "$TMP/tty")"
  NO_COLOR=1 script -qec "smart-dashboard --config '$TMP/smart.conf' --text" /dev/null >"$TMP/tty2" </dev/null
  if grep -q $'\x1b\[' "$TMP/tty2"; then fail "colour despite NO_COLOR"; fi
  grep -q "KEPT" "$TMP/tty2" || fail "no summary under NO_COLOR"
fi

# A failed revert is the first thing said.
printf 'VAR_DIR=%s\n' "$SMART_SOURCE_DIR/test/fixtures/dashboard/revert_failed" >"$TMP/rf.conf"
expect_exit 0 smart-dashboard --config "$TMP/rf.conf" --text
head -1 "$TMP/out" | grep -q "REVERT FAILED" || fail "first line: $(head -1 "$TMP/out")"
expect_in "$TMP/out" "smart-run --clear-revert-failed"
expect_in "$TMP/out" "revert command:"
