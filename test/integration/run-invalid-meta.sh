#!/usr/bin/env bash
# An invalid meta.json changes nothing: exit 2, every problem listed with its
# JSON path, no command run, no run directory, no state written. A variant
# name with shell metacharacters is refused the same way.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/run.sh"
command -v jq >/dev/null || skip "jq is not installed"

plain_conf "$TMP/smart.conf" "$TMP/exp"
plain_experiment "$TMP/exp" bad \
  '.variants[1].name = "a;touch pwned" | .variants[2].apply = 42 | .baseline_seconds = "soon" | .variants[0].apply = "touch applied"'
expect_exit 2 smart-run --config "$TMP/smart.conf" bad
expect_in "$TMP/err" 'smart-run: error: invalid experiment (3 problems), nothing was changed:'
expect_in "$TMP/err" 'variants[1].name: "a;touch pwned" is not a valid name ([A-Za-z0-9._-]{1,64})'
expect_in "$TMP/err" 'variants[2].apply: expected a command'
expect_in "$TMP/err" 'baseline_seconds: "soon" is not a duration'
[ ! -e "$TMP/exp/bad/pwned" ] && [ ! -e pwned ] || fail "a command ran"
[ ! -e "$TMP/exp/bad/applied" ] || fail "the baseline apply ran"
[ -z "$(ls -A "$TMP/base/var/runs" 2>/dev/null)" ] || fail "a run directory was created"
[ ! -e "$TMP/base/var/state.json" ] || fail "state.json written"
[ ! -e "$TMP/base/var/history.jsonl" ] || fail "history written"
expect_eq "$(state_of "$TMP/exp/bad")" baseline

# The same refusal for --dry-run, and for a broken JSON file.
expect_exit 2 smart-run --config "$TMP/smart.conf" --dry-run bad
echo '{"id": "bad",' >"$TMP/exp/bad/meta.json"
expect_exit 2 smart-run --config "$TMP/smart.conf" bad
expect_in "$TMP/err" "invalid JSON"
