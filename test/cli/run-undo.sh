#!/usr/bin/env bash
# smart-run --undo RUN_ID: the experiment's revert runs for the variant that
# run kept, with SMART_RUN_DIR = that run's directory (where its apply
# stored the value it replaced), so the server gets back exactly what it ran
# before; the undo is a run of mode "undo" in history, settles the
# experiment for --next, and cannot be done twice. Runs that kept nothing,
# unknown ids, a run a later keep superseded and a pruned run directory are
# usage errors that change nothing; a failed revert is exit 3.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/run.sh"
command -v jq >/dev/null || skip "jq is not installed"
plain_conf "$TMP/smart.conf" "$TMP/exp"
# apply stores what it replaces in the run's directory once; revert puts it back.
store='[ -e \"$SMART_RUN_DIR/orig\" ] || cp state \"$SMART_RUN_DIR/orig\"'
plain_experiment "$TMP/exp" plain ".baseline_seconds = 0.5 | .variant_seconds = 0.5
  | .variants = [.variants[0], (.variants[1] | .apply = \"$store; echo fast > state\"),
                 (.variants[2] | .apply = \"$store; echo slow > state\")]
  | .revert = \"cp \\\"\$SMART_RUN_DIR/orig\\\" state\""
printf 'hand-tuned 1\n' >"$TMP/exp/plain/state"
cp -p "$TMP/exp/plain/state" "$TMP/before"
echo 60 >"$TMP/exp/plain/burst" # rows at a time: enough samples to keep
echo 2 >"$TMP/exp/plain/latency.fast"
echo 50 >"$TMP/exp/plain/latency.slow"
var=$TMP/base/var
smart() { smart-run --config "$TMP/smart.conf" "$@"; }

expect_exit 0 smart plain
expect_eq "$(jq -r .kept_variant "$var/state.json")" fast
kept=$(jq -r .run_id "$var/state.json")
expect_eq "$(cat "$TMP/exp/plain/state")" fast
expect_exit 0 smart --advise plain
advised=$(jq -r .run_id "$var/state.json")

expect_exit 2 smart --undo 20200101T000000Z
expect_in "$TMP/err" "no run of that id"
expect_exit 2 smart --undo "$advised"
expect_in "$TMP/err" "kept nothing"
expect_exit 2 smart --undo "$kept" plain
expect_in "$TMP/err" "--undo RUN_ID takes no experiment"
lines=$(wc -l <"$var/history.jsonl")

expect_exit 0 smart --undo "$kept"
cmp "$TMP/exp/plain/state" "$TMP/before" || fail "the state is not what the server ran before run $kept"
[ ! -e "$var/pending.json" ] || fail "pending.json left"
[ -f "$var/runs/$kept/revert.fast.undo.log" ] || fail "no revert log in the kept run's directory"
expect_eq "$(wc -l <"$var/history.jsonl")" $((lines + 1)) "history lines"
expect_eq "$(tail -n 1 "$var/history.jsonl" | jq -c '[.mode, .status, .undid, .kept_variant]')" \
  "[\"undo\",\"reverted\",\"$kept\",\"none\"]"
expect_exit 2 smart --undo "$kept"
expect_in "$TMP/err" "already undone"
expect_exit 0 smart --list
grep -E "^plain .* undone " "$TMP/out" >/dev/null || { cat "$TMP/out"; fail "--list does not say undone"; }
expect_exit 0 smart --next
expect_in "$TMP/err" "skipping plain: settled"
expect_in "$TMP/err" "undid run $kept"

# A later keep supersedes a run; a pruned run directory cannot be undone; a
# failed revert is exit 3. (--undo leaves state.json naming the undo.)
expect_exit 0 smart plain
expect_eq "$(jq -r .kept_variant "$var/state.json")" fast "a new keep"
first=$(jq -r .run_id "$var/state.json")
echo 0.5 >"$TMP/exp/plain/latency.slow"
expect_exit 0 smart plain
expect_eq "$(jq -r .kept_variant "$var/state.json")" slow "the second keep"
second=$(jq -r .run_id "$var/state.json")
expect_exit 2 smart --undo "$first"
expect_in "$TMP/err" "run $second of plain kept slow after it; undo that one first"
mv "$var/runs/$second" "$TMP/pruned"
expect_exit 2 smart --undo "$second"
expect_in "$TMP/err" "is gone"
mv "$TMP/pruned" "$var/runs/$second"
expect_eq "$(cat "$TMP/exp/plain/state")" slow "nothing changed by the refusals"
jq '.revert = "exit 1"' "$var/runs/$second/meta.json" >"$TMP/m" && mv "$TMP/m" "$var/runs/$second/meta.json"
expect_exit 3 smart --undo "$second"
[ -f "$var/revert_failed.json" ] || fail "no revert_failed.json after a failed undo"
expect_in "$TMP/err" "REVERT FAILED while undoing run $second"
