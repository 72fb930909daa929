#!/usr/bin/env bash
# Without DASH_ASSETS_DIR, app.js and style.css come from
# ../share/smart/dashboard beside the executable, wherever it is installed.
. "$(dirname "$0")/../lib/common.sh"

mkdir -p "$TMP/prefix/bin" "$TMP/prefix/share/smart/dashboard"
cp "$SMART_BUILD_DIR/tools/smart-dashboard" "$TMP/prefix/bin/"
printf '/* marker %s */\n' "$TEST_NAME" >"$TMP/prefix/share/smart/dashboard/style.css"
cp "$SMART_SOURCE_DIR/dashboard/app.js" "$TMP/prefix/share/smart/dashboard/"
printf 'VAR_DIR=%s\nDASH_DIR=%s\n' "$SMART_SOURCE_DIR/test/fixtures/dashboard/normal" "$TMP/www" >"$TMP/smart.conf"

expect_exit 0 "$TMP/prefix/bin/smart-dashboard" --config "$TMP/smart.conf"
expect_in "$TMP/www/style.css" "marker $TEST_NAME"
cmp -s "$TMP/www/app.js" "$SMART_SOURCE_DIR/dashboard/app.js" || fail "app.js not copied"
[ ! -s "$TMP/err" ] || { _show; fail "unexpected warnings"; }
