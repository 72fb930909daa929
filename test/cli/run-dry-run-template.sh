#!/usr/bin/env bash
# The experiment template of docs/experiments.md passes smart-run --dry-run
# without a safety note; a copy with the checklist broken gets a note for
# each gap, and a copy with invalid meta.json gets every problem, exit 2.
. "$(dirname "$0")/../lib/common.sh"
command -v jq >/dev/null || skip "jq is not installed"
T=$SMART_SOURCE_DIR/docs/experiment-template
expect_exit 0 smart-run --dry-run "$T"
expect_in "$TMP/out" "risk: none"
expect_not_in "$TMP/out" "safety:"
expect_exit 0 smart-run --dry-run --json "$T"
expect_eq "$(jq -c .safety "$TMP/out")" "[]"

cp -R "$T" "$TMP/gaps"
jq 'del(.check) | del(.helps_when) | del(.risks) | .risk = "durability" | .revert = "sh setting.sh revert"' \
  "$T/meta.json" >"$TMP/gaps/meta.json"
expect_exit 0 smart-run --dry-run "$TMP/gaps"
expect_in "$TMP/out" "risk: durability (--next runs it only when ALLOW_RISK names this class)"
expect_in "$TMP/out" "safety: no check command"
expect_in "$TMP/out" "safety: revert is a shell string"
expect_in "$TMP/out" "safety: risk class durability but no \"risks\""
expect_in "$TMP/out" "safety: no \"helps_when\""

cp -R "$T" "$TMP/bad"
jq '.risk = "some" | .timeout_seconds = "x"' "$T/meta.json" >"$TMP/bad/meta.json"
expect_exit 2 smart-run --dry-run "$TMP/bad"
expect_in "$TMP/err" "risk: 'some' is not none, durability or availability"
expect_in "$TMP/err" "timeout_seconds"
