#!/usr/bin/env bash
# A mistyped option is a usage error (exit 2) that names the option meant.
. "$(dirname "$0")/../lib/common.sh"

expect_exit 2 smart-measure --url http://127.0.0.1:9/ --concurency 4
expect_in "$TMP/err" "smart-measure: error: unknown option '--concurency' (did you mean --concurrency?)"
expect_exit 2 smart-decide --min-smaples 3 a.csv b.csv
expect_in "$TMP/err" "(did you mean --min-samples?)"
expect_exit 2 smart-run --dry-rn
expect_in "$TMP/err" "(did you mean --dry-run?)"
expect_exit 2 smart-phone --flsh
expect_in "$TMP/err" "(did you mean --flush?)"
expect_exit 2 smart-dashboard --txt
expect_in "$TMP/err" "(did you mean --text?)"
# Nothing close: no guess.
expect_exit 2 smart-decide --zzzzzzzz a.csv b.csv
expect_in "$TMP/err" "unknown option '--zzzzzzzz'"
expect_not_in "$TMP/err" "did you mean"
