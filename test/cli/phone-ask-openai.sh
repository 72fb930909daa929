#!/usr/bin/env bash
# COACH_MODE=openai: an OpenAI-compatible chat completion with the coaching
# prompt; KEEP/REVERT parsed; any other answer is no answer (=> revert).
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/coach.sh"

DIR=$TMP/base/var/runs/20261122T232318Z
make_decision "$DIR" workers_2
start_coach --model-answer $'VERDICT: KEEP\nCONFIDENCE: 0.9\nREASON: 15% faster with no new errors.'
phone_conf "$TMP/smart.conf" "http://127.0.0.1:$COACH_PORT" COACH_MODE=openai COACH_MODEL=llama3.1:8b

expect_exit 0 smart-phone --config "$TMP/smart.conf" --ask --run-dir "$DIR" --variant workers_2
expect_eq "$(jq -c . "$TMP/out")" '{"verdict":"keep","confidence":0.9,"reason":"15% faster with no new errors."}'
expect_eq "$(requests '.[0].path')" '"/v1/chat/completions"'
expect_eq "$(requests '.[0].body.model')" '"llama3.1:8b"'
expect_eq "$(requests '.[0].body.messages[1].content | test("Baseline: 45.00ms p50")')" true
expect_eq "$(requests '.[0].body.messages[1].content | test("Threshold: 10.00% minimum")')" true
expect_eq "$(requests '.[0].body.messages[1].content | test("wants to REVERT this change")')" true
expect_in "$TMP/err" "You are a server optimization coach"
expect_in "$TMP/err" "--- answer:"
stop_coach

# An answer that is neither KEEP nor REVERT: exit 1, nothing on stdout.
start_coach --model-answer "Well, it depends on many factors."
phone_conf "$TMP/smart.conf" "http://127.0.0.1:$COACH_PORT/v1" COACH_MODE=openai
expect_exit 1 smart-phone --config "$TMP/smart.conf" --ask --run-dir "$DIR" --variant workers_2
expect_eq "$(cat "$TMP/out")" ""
expect_in "$TMP/err" "neither KEEP nor REVERT"
expect_in "$TMP/err" "=> revert"
expect_eq "$(ls "$DIR")" "workers_2.decision.json" "files in the run dir"
