#!/usr/bin/env bash
# --out DIR writes there instead of DASH_DIR; a DASH_DIR that cannot be made
# is an error (exit 1) naming it.
. "$(dirname "$0")/../lib/common.sh"

fixture=$SMART_SOURCE_DIR/test/fixtures/dashboard/failing
printf 'VAR_DIR=%s\nDASH_DIR=%s\nDASH_ASSETS_DIR=%s\n' "$fixture" "$TMP/www" "$SMART_SOURCE_DIR/dashboard" >"$TMP/smart.conf"
expect_exit 0 smart-dashboard --config "$TMP/smart.conf" --out "$TMP/elsewhere"
[ -s "$TMP/elsewhere/index.html" ] || fail "--out ignored"
[ ! -e "$TMP/www" ] || fail "DASH_DIR written despite --out"
expect_eq "$(jq -r .status "$TMP/elsewhere/health.json")" "failing"
expect_in "$TMP/elsewhere/index.html" 'class="banner banner-failing"'

# Environment overrides the file (SPEC precedence).
DASH_DIR=$TMP/from-env expect_exit 0 smart-dashboard --config "$TMP/smart.conf"
[ -s "$TMP/from-env/index.html" ] || fail "DASH_DIR from the environment ignored"

: >"$TMP/a-file"
expect_exit 1 smart-dashboard --config "$TMP/smart.conf" --out "$TMP/a-file/www"
expect_in "$TMP/err" "smart-dashboard: error: cannot create $TMP/a-file/www"

# Missing assets: a warning, the page is still written.
printf 'VAR_DIR=%s\nDASH_DIR=%s\nDASH_ASSETS_DIR=%s\n' "$fixture" "$TMP/w2" "$TMP/no-assets" >"$TMP/noassets.conf"
expect_exit 0 smart-dashboard --config "$TMP/noassets.conf"
expect_in "$TMP/err" "warning:"
expect_in "$TMP/err" "DASH_ASSETS_DIR"
[ -s "$TMP/w2/index.html" ] || fail "no page without assets"
