# CRLF line ends and a missing final newline read the same as LF.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/decide_data.sh"
make_csv "$TMP/base.csv" 60 20 1
make_csv "$TMP/var.csv" 60 12 2
sed 's/$/\r/' "$TMP/var.csv" | head -c -2 >"$TMP/var-crlf.csv"
expect_exit 0 smart-decide --json "$TMP/base.csv" "$TMP/var.csv"
jq -S 'del(.variant.file)' "$TMP/out" >"$TMP/lf.json"
expect_exit 0 smart-decide --json "$TMP/base.csv" "$TMP/var-crlf.csv"
jq -S 'del(.variant.file)' "$TMP/out" >"$TMP/crlf.json"
cmp -s "$TMP/lf.json" "$TMP/crlf.json" || { diff "$TMP/lf.json" "$TMP/crlf.json" >&2; fail "CRLF file decided differently"; }
expect_eq "$(jq .variant.n "$TMP/crlf.json")" "60"
