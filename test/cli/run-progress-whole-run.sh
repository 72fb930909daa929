#!/usr/bin/env bash
# On a TTY the progress line also tells the whole run: which measurement
# block of how many the plan has, and the run's time left ("block 2 of 3 ·
# run 4s left"); in a pipe none of it.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/run.sh"
command -v jq >/dev/null || skip "jq is not installed"
command -v script >/dev/null || skip "script (util-linux) is not installed"
# Sequential, two variants that change nothing: the baseline, then each
# variant, three measurement blocks in all (nothing is kept early).
plain_experiment "$TMP/exp" plain '.baseline_seconds = 1.5 | .variant_seconds = 1.5'
plain_conf "$TMP/smart.conf" "$TMP/exp"
script -qec "smart-run --config '$TMP/smart.conf' plain" "$TMP/tty.log" >/dev/null
tr '\r' '\n' <"$TMP/tty.log" >"$TMP/lines"
for k in 1 2 3; do
  grep -Eq "measuring [a-z]+: [0-9]+s left · block $k of 3 · run ([0-9ms]+ left|ends after this block)" "$TMP/lines" \
    || { head -c 3000 "$TMP/lines" | cat -v >&2; fail "no 'block $k of 3' with the run's time left on a TTY"; }
done
expect_not_in "$TMP/lines" "block 4 of"
expect_exit 0 smart-run --config "$TMP/smart.conf" plain
expect_not_in "$TMP/err" "block 1 of"
