# Garbage, an empty file, binary data, a 100 MB line, a missing file: a clear
# error and exit 2, never a crash or a hang.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/decide_data.sh"
make_csv "$TMP/base.csv" 20 20 1
check() { # FILE EXPECTED-MESSAGE
  expect_exit 2 timeout 60 smart-decide "$TMP/base.csv" "$1"
  expect_in "$TMP/err" "smart-decide: error: $2"
}
echo "the quick brown fox" >"$TMP/garbage.csv"
check "$TMP/garbage.csv" "$TMP/garbage.csv:1: header has no latency_ms column"
: >"$TMP/empty.csv"
check "$TMP/empty.csv" "$TMP/empty.csv: empty file"
head -c 4096 /dev/urandom >"$TMP/binary.csv"
expect_exit 2 timeout 60 smart-decide "$TMP/base.csv" "$TMP/binary.csv"
expect_in "$TMP/err" "smart-decide: error: $TMP/binary.csv:"
head -c 100000000 /dev/zero | tr '\0' 'a' >"$TMP/long.csv"
check "$TMP/long.csv" "$TMP/long.csv:1: line longer than"
check "$TMP/missing.csv" "$TMP/missing.csv: No such file or directory"
