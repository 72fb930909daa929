# Exactly 10 % keeps, 9.99 % reverts; an error delta of exactly 2 points keeps.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/decide_data.sh"
const_csv "$TMP/base.csv" 10 100
const_csv "$TMP/ten.csv" 10 90
const_csv "$TMP/almost.csv" 10 90.01
expect_exit 0 smart-decide --rule original "$TMP/base.csv" "$TMP/ten.csv"
expect_exit 1 smart-decide --rule original "$TMP/base.csv" "$TMP/almost.csv"
expect_in "$TMP/err" "p50 improved 9.99% < 10%"
{ cat "$TMP/base.csv"; for _ in 1 2 3 4 5; do echo "t,100,200,"; done; } >"$TMP/b50.csv"   # 15 rows, 0 errors
const_csv "$TMP/v50.csv" 49 50; echo "t,50,503," >>"$TMP/v50.csv"                          # 1/50 = 2 %
const_csv "$TMP/b0.csv" 50 100
expect_exit 0 smart-decide --rule original "$TMP/b0.csv" "$TMP/v50.csv"
echo "t,50,503," >>"$TMP/v50.csv"                                                          # 2/51 > 2 %
expect_exit 1 smart-decide --rule original "$TMP/b0.csv" "$TMP/v50.csv"
expect_in "$TMP/err" "> 2 pp"
