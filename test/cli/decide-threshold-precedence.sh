# Thresholds: flag > environment > smart.conf > default (10).
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/decide_data.sh"
const_csv "$TMP/base.csv" 10 100
const_csv "$TMP/var.csv" 10 93      # 7 % better
printf 'IMPROVE_PCT=5   # conf says 5\n' >"$TMP/smart.conf"
expect_exit 1 smart-decide --rule original "$TMP/base.csv" "$TMP/var.csv"           # default 10
expect_exit 0 smart-decide --rule original --config "$TMP/smart.conf" "$TMP/base.csv" "$TMP/var.csv"   # file 5
IMPROVE_PCT=8 expect_exit 1 smart-decide --rule original --config "$TMP/smart.conf" "$TMP/base.csv" "$TMP/var.csv"  # env 8
IMPROVE_PCT=8 expect_exit 0 smart-decide --rule original --config "$TMP/smart.conf" --improve-pct 7 "$TMP/base.csv" "$TMP/var.csv"  # flag 7
expect_in "$TMP/err" "p50 improved 7% >= 7%"
MAX_ERR_DELTA_PCT=0 expect_exit 0 smart-decide --rule original --improve-pct 7 "$TMP/base.csv" "$TMP/var.csv"
