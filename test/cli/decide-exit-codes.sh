# 0 keep, 1 revert, 2 usage; stdout exactly one word.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/decide_data.sh"
make_csv "$TMP/base.csv" 60 20 1
make_csv "$TMP/fast.csv" 60 12 2
make_csv "$TMP/slow.csv" 60 30 3
expect_exit 0 smart-decide "$TMP/base.csv" "$TMP/fast.csv"
expect_eq "$(cat "$TMP/out")" "keep"
expect_exit 1 smart-decide "$TMP/base.csv" "$TMP/slow.csv"
expect_eq "$(cat "$TMP/out")" "revert"
expect_exit 2 smart-decide "$TMP/base.csv"
expect_exit 2 smart-decide --rule magic "$TMP/base.csv" "$TMP/fast.csv"
expect_in "$TMP/err" "--rule 'magic'"
expect_exit 2 smart-decide --look 6/5 "$TMP/base.csv" "$TMP/fast.csv"
expect_exit 2 smart-decide --improve-pct 1e1 "$TMP/base.csv" "$TMP/fast.csv"
expect_in "$TMP/err" "IMPROVE_PCT"
expect_exit 2 smart-decide --bogus "$TMP/base.csv" "$TMP/fast.csv"
