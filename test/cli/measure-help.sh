#!/usr/bin/env bash
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/measure.sh"
# --help documents every option and the exit codes; --version names the tool.

expect_exit 0 smart-measure --help
for option in --url --duration --interval --count --timeout --output --append --insecure --cacert \
  --fresh-connection --block --phases --abort-err-pct --abort-after --concurrency --rate --threads \
  --warmup --sample-every --config --version; do
  expect_in "$TMP/out" "$option"
done
expect_in "$TMP/out" "Exit status"
expect_in "$TMP/out" "tcp://host:port"
expect_exit 0 smart-measure --version
expect_in "$TMP/out" "smart-measure "
