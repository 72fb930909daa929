#!/usr/bin/env bash
# --help is rich and exits 0; --version; usage errors exit 2 with a hint.
. "$(dirname "$0")/../lib/common.sh"
expect_exit 0 smart-run --help
for word in --next --list --dry-run --json --show-config --recover --undo --clear-revert-failed --advise --calibrate \
  --variant-seconds --design "Exit status" "REVERT FAILED" Examples; do
  expect_in "$TMP/out" "$word"
done
expect_exit 0 smart-run --version
grep -Eq '^smart-run [0-9]+\.[0-9]+' "$TMP/out" || fail "--version"
expect_exit 2 smart-run
expect_in "$TMP/err" "smart-run: error: no experiment given"
expect_exit 2 smart-run --bogus
expect_in "$TMP/err" "Try 'smart-run --help'"
expect_exit 2 smart-run --next some_experiment
expect_in "$TMP/err" "not both"
expect_exit 2 smart-run --variant-seconds soon x
expect_in "$TMP/err" "--variant-seconds: invalid duration 'soon'"
expect_exit 2 smart-run --design random x
expect_exit 2 smart-run --config "$TMP/missing.conf" --list
expect_in "$TMP/err" "configuration file not found"
