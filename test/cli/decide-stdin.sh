# '-' reads either file from standard input; both cannot be.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/decide_data.sh"
make_csv "$TMP/base.csv" 60 20 1
make_csv "$TMP/var.csv" 60 12 2
expect_exit 0 smart-decide "$TMP/base.csv" "$TMP/var.csv"
set +e
smart-decide - "$TMP/var.csv" <"$TMP/base.csv" >"$TMP/o1" 2>"$TMP/e1"; rc1=$?
smart-decide "$TMP/base.csv" - <"$TMP/var.csv" >"$TMP/o2" 2>"$TMP/e2"; rc2=$?
set -e
expect_eq "$rc1:$(cat "$TMP/o1")" "0:keep" "baseline on stdin"
expect_eq "$rc2:$(cat "$TMP/o2")" "0:keep" "variant on stdin"
expect_exit 2 smart-decide - - </dev/null
expect_in "$TMP/err" "only one of"
