# A dead target (every probe refused, "fast") is never an improvement.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/decide_data.sh"
make_csv "$TMP/base.csv" 60 20 1
make_csv "$TMP/dead.csv" 0 20 1 60 0
expect_exit 1 smart-decide --json "$TMP/base.csv" "$TMP/dead.csv"
expect_eq "$(jq -r '.decision + " " + .decided_by' "$TMP/out")" "revert errors_rose"
expect_exit 1 smart-decide --rule original "$TMP/base.csv" "$TMP/dead.csv"
expect_in "$TMP/err" "too few successful samples"
