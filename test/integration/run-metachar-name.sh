#!/usr/bin/env bash
# Names become file names and environment values, never shell text: a
# variant or experiment name with shell metacharacters is refused before
# anything runs, and an experiment id on the command line cannot escape
# EXPERIMENTS_DIR.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/run.sh"
command -v jq >/dev/null || skip "jq is not installed"

plain_conf "$TMP/smart.conf" "$TMP/exp"
plain_experiment "$TMP/exp" meta
cp "$TMP/exp/meta/meta.json" "$TMP/good.json"
for name in 'x$(touch pwned)' 'x`touch pwned`' 'x;touch pwned' '../../x' 'x y'; do
  jq --arg n "$name" '.variants[1].name = $n' "$TMP/good.json" >"$TMP/m" && mv "$TMP/m" "$TMP/exp/meta/meta.json"
  expect_exit 2 smart-run --config "$TMP/smart.conf" meta
  expect_in "$TMP/err" "is not a valid name"
  jq --arg n "$name" '.id = $n' "$TMP/good.json" >"$TMP/m" && mv "$TMP/m" "$TMP/exp/meta/meta.json"
  expect_exit 2 smart-run --config "$TMP/smart.conf" meta
  expect_in "$TMP/err" "id: "
done
[ ! -e "$TMP/exp/meta/pwned" ] && [ ! -e pwned ] || fail "a command ran"
expect_exit 2 smart-run --config "$TMP/smart.conf" 'x;touch pwned'
expect_in "$TMP/err" "not a valid experiment id"
[ -z "$(ls -A "$TMP/base/var/runs" 2>/dev/null)" ] || fail "a run directory was created"
