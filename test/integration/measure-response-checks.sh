#!/usr/bin/env bash
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/measure.sh"
# Every response is checked, in probe mode and in load mode alike: a code
# outside --expect-status (default 2xx/3xx), a body without the expected
# text, a body too small or different from the reference is an error row
# with its code and the token of the failed check.

nginx_start "$TMP/nginx" '
        location = /missing { return 404 "nope\n"; }
        location = /page { return 200 "hello world, version 1\n"; }
        location = /other { return 200 "hello world, version 2\n"; }'
on_exit "nginx_stop '$TMP/nginx'"

tokens() { tail -n +2 "$1" | cut -d, -f3,4 | sort | uniq -c | awk '{print $1 " " $2}' | tr '\n' ';'; }

for mode in "--count 6 --interval 1ms" "--concurrency 2 --count 6"; do
  # shellcheck disable=SC2086
  {
    # A 404 is an error by default, and fine when expected.
    expect_exit 0 smart-measure --url "${NGINX_URL}missing" $mode -o "$TMP/404.csv"
    expect_eq "$(tokens "$TMP/404.csv")" "6 404,unexpected_status;" "$mode: 404 by default"
    expect_in "$TMP/err" "6 errors (unexpected_status 6)"
    expect_exit 0 smart-measure --url "${NGINX_URL}missing" --expect-status 200-299,404 $mode -o "$TMP/404ok.csv"
    expect_eq "$(tokens "$TMP/404ok.csv")" "6 404,;" "$mode: 404 expected"
    # Body text (substring, then regular expression).
    expect_exit 0 smart-measure --url "${NGINX_URL}page" --expect-body "version 1" $mode -o "$TMP/body.csv"
    expect_eq "$(tokens "$TMP/body.csv")" "6 200,;" "$mode: body found"
    expect_exit 0 smart-measure --url "${NGINX_URL}page" --expect-body "/version [2-9]/" $mode -o "$TMP/re.csv"
    expect_eq "$(tokens "$TMP/re.csv")" "6 200,body_mismatch;" "$mode: regex not found"
    # Too small: the body has 23 bytes.
    expect_exit 0 smart-measure --url "${NGINX_URL}page" --expect-min-bytes 24 $mode -o "$TMP/small.csv"
    expect_eq "$(tokens "$TMP/small.csv")" "6 200,too_small;" "$mode: too small"
    expect_exit 0 smart-measure --url "${NGINX_URL}page" --expect-min-bytes 23 $mode -o "$TMP/big.csv"
    expect_eq "$(tokens "$TMP/big.csv")" "6 200,;" "$mode: large enough"
    # Same body: the first measurement keeps the reference, the next compares.
    rm -f "$TMP/body.sha256"
    expect_exit 0 smart-measure --url "${NGINX_URL}page" --expect-same-body "$TMP/body.sha256" $mode -o "$TMP/same1.csv"
    expect_eq "$(tokens "$TMP/same1.csv")" "6 200,;" "$mode: reference"
    expect_eq "$(cat "$TMP/body.sha256")" "$(printf 'hello world, version 1\n' | sha256sum | cut -d' ' -f1)"
    expect_exit 0 smart-measure --url "${NGINX_URL}other" --expect-same-body "$TMP/body.sha256" $mode -o "$TMP/same2.csv"
    expect_eq "$(tokens "$TMP/same2.csv")" "6 200,body_mismatch;" "$mode: different body"
  }
done
# Bad lists are usage errors.
expect_exit 2 smart-measure --url "$NGINX_URL" --expect-status 2xx --count 1
expect_in "$TMP/err" "--expect-status '2xx'"
expect_exit 2 smart-measure --url "$NGINX_URL" --expect-body "/(/" --count 1
expect_in "$TMP/err" "not a regular expression"
