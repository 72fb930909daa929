#!/usr/bin/env bash
# --next and the files experiments manage. Two experiments, a and b, manage
# one file. a keeps its variant and settles; b keeps its own, changing the
# file a settled on: a is no longer settled (a new baseline to try) and does
# not step aside (the change was smart's, not an operator's). An operator's
# edit then makes --next pass over both, naming --accept-changes, rather
# than fail.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/run.sh"
command -v jq >/dev/null || skip "jq is not installed"
plain_conf "$TMP/smart.conf" "$TMP/exp"
mkdir -p "$TMP/exp" && echo base >"$TMP/exp/shared"
for id in a b; do
  plain_experiment "$TMP/exp" $id ".baseline_seconds = 0.5 | .variant_seconds = 0.5
    | .variants = [.variants[0], (.variants[1] | .apply = \"echo fast > state; echo $id-fast > ../shared\")]
    | .revert = \"echo baseline > state; echo base > ../shared\" | .manages = [\"../shared\"]"
  echo 60 >"$TMP/exp/$id/burst" # rows at a time: enough samples to keep
  echo 2 >"$TMP/exp/$id/latency.fast"
done
var=$TMP/base/var
last() { jq -r "$1" "$var/state.json"; }

expect_exit 0 smart-run --config "$TMP/smart.conf" --next
expect_eq "$(last .experiment)/$(last .kept_variant)" a/fast "first run"
expect_eq "$(cat "$TMP/exp/shared")" a-fast
[ "$(tail -n 1 "$var/history.jsonl" | jq -r .managed_fingerprint)" != null ] || fail "the run did not record the managed files' fingerprint"

expect_exit 0 smart-run --config "$TMP/smart.conf" --next
expect_in "$TMP/err" "skipping a: settled"
expect_eq "$(last .experiment)/$(last .kept_variant)" b/fast "second run"
expect_eq "$(cat "$TMP/exp/shared")" b-fast

# b changed the file a settled on: a runs again, and does not step aside.
expect_exit 0 smart-run --config "$TMP/smart.conf" --next
expect_not_in "$TMP/err" "changed outside smart"
expect_in "$TMP/err" "skipping b: settled"
expect_eq "$(last .experiment)" a "third run: a, whose settled run saw another file"

# An operator's edit: both pass over it and say how to adopt it; nothing runs.
echo operator >"$TMP/exp/shared"
runs=$(wc -l <"$var/history.jsonl")
expect_exit 0 smart-run --config "$TMP/smart.conf" --next
expect_in "$TMP/err" "skipping a: the files it manages changed outside smart"
expect_in "$TMP/err" "smart-run --accept-changes b"
expect_eq "$(wc -l <"$var/history.jsonl")" "$runs" "history lines (nothing ran)"
expect_eq "$(cat "$TMP/exp/shared")" operator "the operator's edit"
