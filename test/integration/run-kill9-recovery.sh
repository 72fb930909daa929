#!/usr/bin/env bash
# kill -9 of smart-run while a variant is applied on a real nginx:
# smart-run --recover reverts it (nginx.conf byte-identical to the baseline)
# and records the interrupted run as aborted; the next run does its own work.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/experiment.sh"
. "$SMART_SOURCE_DIR/test/lib/run.sh"
exp_need_nginx

exp_start_nginx
exp_nginx_keepalive_off
cp -p "$NGINX_CONF" "$TMP/baseline.conf"
exp_copy_for_test "$SMART_SOURCE_DIR/experiments/002_nginx_keepalive" "$TMP/exp/002_nginx_keepalive" "$NGINX_URL" "$TMP/smart.conf"

smart-run --config "$TMP/smart.conf" --design sequential --baseline-seconds 1 --variant-seconds 30 \
  --cooldown-seconds 0 002_nginx_keepalive >"$TMP/out1" 2>"$TMP/err1" &
pid=$!
on_exit "kill -9 $pid 2>/dev/null"
wait_until grep -q 'keepalive_timeout 65;' "$NGINX_CONF"
wait_until run_file_nonempty "$TMP/base/var/runs" keepalive_65.csv
kill -9 $pid
wait $pid 2>/dev/null || true
[ -f "$TMP/base/var/pending.json" ] || fail "no pending.json after kill -9"
grep -q 'keepalive_timeout 65;' "$NGINX_CONF" || fail "the variant should still be applied"
killed=$(jq -r .run_id "$TMP/base/var/pending.json")

# A dry run changes nothing, pending.json included.
expect_exit 0 smart-run --config "$TMP/smart.conf" --dry-run 002_nginx_keepalive
[ -f "$TMP/base/var/pending.json" ] || fail "--dry-run must not touch pending.json"
# The recovery alone (--recover starts no run of its own that could revert
# the file in its place), then a whole run.
expect_exit 0 smart-run --config "$TMP/smart.conf" --recover
expect_in "$TMP/err" "found pending.json: run $killed"
[ ! -e "$TMP/base/var/pending.json" ] || fail "pending.json left"
cmp "$NGINX_CONF" "$TMP/baseline.conf" || fail "nginx.conf not byte-identical to the baseline after recovery"
expect_exit 0 smart-run --config "$TMP/smart.conf" --design sequential --baseline-seconds 1 --variant-seconds 1 \
  --cooldown-seconds 0 --advise 002_nginx_keepalive
expect_not_in "$TMP/err" "found pending.json"
cmp "$NGINX_CONF" "$TMP/baseline.conf" || fail "nginx.conf not byte-identical to the baseline after the next run"
expect_eq "$(jq -r .status "$TMP/base/var/runs/$killed/summary.json")" aborted
jq -s -e --arg id "$killed" 'map(select(.run_id == $id)) | .[0].status == "aborted"' "$TMP/base/var/history.jsonl" >/dev/null \
  || fail "interrupted run not in history as aborted"
expect_eq "$(jq -r .mode "$TMP/base/var/state.json")" advise
