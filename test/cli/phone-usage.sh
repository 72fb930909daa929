#!/usr/bin/env bash
# Command line and configuration errors exit 2 with a clear message and send
# nothing; no coach configured is not an error.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/coach.sh"

expect_exit 0 smart-phone --help
expect_in "$TMP/out" "--ask"
expect_in "$TMP/out" "Exit status"
expect_exit 0 smart-phone --version
expect_in "$TMP/out" "smart-phone "
expect_exit 2 smart-phone --bogus
expect_in "$TMP/err" "smart-phone: error:"

RUN=20261122T232318Z
make_state "$TMP/base" "$RUN"
# No COACH_URL: nothing to do, and that is fine.
printf 'BASE_DIR=%s\n' "$TMP/base" >"$TMP/none.conf"
expect_exit 0 smart-phone --config "$TMP/none.conf" "$RUN"
expect_in "$TMP/err" "COACH_URL is empty"
test ! -e "$TMP/base/var/outbox" || fail "outbox created without a coach"

phone_conf "$TMP/smart.conf" "http://127.0.0.1:9/"
expect_exit 2 smart-phone --config "$TMP/smart.conf" 20991231T000000Z
expect_in "$TMP/err" "20991231T000000Z/summary.json: run summary not found"
expect_exit 2 smart-phone --config "$TMP/smart.conf" "../../etc"
expect_in "$TMP/err" "bad run id"
expect_exit 2 smart-phone --config "$TMP/smart.conf" --ask
expect_in "$TMP/err" "--ask needs --run-dir DIR and --variant V"
expect_exit 2 smart-phone --config "$TMP/smart.conf" --variant x
expect_exit 2 smart-phone --config "$TMP/smart.conf" --ask --register
expect_exit 2 smart-phone --config "$TMP/missing.conf"

phone_conf "$TMP/bad.conf" "ftp://coach/"
expect_exit 2 smart-phone --config "$TMP/bad.conf" "$RUN"
expect_in "$TMP/err" "COACH_URL must start with http:// or https://"
phone_conf "$TMP/bad.conf" "http://127.0.0.1:9/" COACH_MODE=psychic
expect_exit 2 smart-phone --config "$TMP/bad.conf" "$RUN"
expect_in "$TMP/err" "unknown COACH_MODE"
phone_conf "$TMP/bad.conf" "http://127.0.0.1:9/" "COACH_TOKEN_FILE=$TMP/nope"
expect_exit 2 smart-phone --config "$TMP/bad.conf" "$RUN"
expect_in "$TMP/err" "token file not found"
# A token for a coach on plain http elsewhere: warned (checked before any
# network use: the missing decision ends this one).
phone_conf "$TMP/far.conf" "http://192.0.2.1:9/"
COACH_TOKEN=x expect_exit 2 smart-phone --config "$TMP/far.conf" --ask --run-dir "$TMP" --variant v
expect_in "$TMP/err" "plain http:// to 192.0.2.1"
# A bad summary is named.
echo '{broken' >"$TMP/base/var/runs/$RUN/summary.json"
expect_exit 2 smart-phone --config "$TMP/smart.conf" "$RUN"
expect_in "$TMP/err" "summary.json: not valid JSON"
test ! -e "$TMP/base/var/outbox" || fail "outbox touched on bad input"
