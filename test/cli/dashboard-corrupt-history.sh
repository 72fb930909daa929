#!/usr/bin/env bash
# A torn or foreign history line is skipped with a warning naming file:line;
# the rest still renders and the exit code is 0.
. "$(dirname "$0")/../lib/common.sh"

cp -r "$SMART_SOURCE_DIR/test/fixtures/dashboard/corrupt" "$TMP/var"
printf 'BASE_DIR=%s\nDASH_ASSETS_DIR=%s\n' "$TMP" "$SMART_SOURCE_DIR/dashboard" >"$TMP/smart.conf"
expect_exit 0 smart-dashboard --config "$TMP/smart.conf"
expect_in "$TMP/err" "smart-dashboard: warning: $TMP/var/history.jsonl:2: skipped: not valid JSON"
expect_in "$TMP/err" "$TMP/var/history.jsonl:4: skipped: not a JSON object"
expect_in "$TMP/err" "$TMP/var/state.json: not valid JSON"
expect_eq "$(jq length "$TMP/www/history.json")" "4"
expect_in "$TMP/www/index.html" "history.jsonl:2: skipped"
