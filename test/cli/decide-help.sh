# --help documents the rules and options; --version prints the version.
. "$(dirname "$0")/../lib/common.sh"
expect_exit 0 smart-decide --help
for word in --rule --metric --json --look --confidence --err-confidence --min-samples IMPROVE_PCT MAX_ERR_DELTA_PCT inconclusive; do
  expect_in "$TMP/out" "$word"
done
expect_exit 0 smart-decide --version
expect_in "$TMP/out" "smart-decide "
