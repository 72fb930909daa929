#!/usr/bin/env bash
# smart-run killed with SIGKILL while a 001_nginx_workers variant is applied:
# nginx is left changed and pending.json says so; the next run first reverts
# with the interrupted run's directory, so the value that was there before
# (3) comes back, and after that run nginx.conf is byte-identical.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/experiment.sh"
exp_need_smart_run

exp_start_nginx
sed -i 's/^worker_processes 1;$/worker_processes 3;/' "$NGINX_CONF"
nginx_reload "$TMP/nginx"
cp -p "$NGINX_CONF" "$TMP/before"

exp=$TMP/exp/001_nginx_workers
exp_copy_for_test "$SMART_SOURCE_DIR/experiments/001_nginx_workers" "$exp" "$NGINX_URL" "$TMP/smart.conf"
jq '.measure_interval_sec = 0.05' "$exp/meta.json" >"$exp/m" && mv "$exp/m" "$exp/meta.json"

smart-run --config "$TMP/smart.conf" --variant-seconds 60s --block-seconds 1s 001_nginx_workers \
  >"$TMP/first.out" 2>"$TMP/first.err" &
pid=$!
live_pid=$pid
on_exit '[ -z "${live_pid:-}" ] || kill -KILL "$live_pid" 2>/dev/null'
changed() { ! grep -qx 'worker_processes 3;' "$NGINX_CONF" && [ -f "$TMP/base/var/pending.json" ]; }
wait_for changed
kill -KILL "$pid"
wait "$pid" 2>/dev/null || true
live_pid=
grep -qx 'worker_processes 3;' "$NGINX_CONF" && fail "the config is back already: the kill proves nothing"
first_run=$(jq -r .run_id "$TMP/base/var/pending.json")

expect_exit 0 smart-run --config "$TMP/smart.conf" --recover
expect_in "$TMP/err" "found pending.json"
[ ! -e "$TMP/base/var/pending.json" ] || fail "pending.json still there"
cmp "$NGINX_CONF" "$TMP/before" || fail "nginx.conf not byte-identical after smart-run --recover"
expect_exit 0 smart-run --config "$TMP/smart.conf" --advise --variant-seconds 1s --block-seconds 0.5s 001_nginx_workers
cmp "$NGINX_CONF" "$TMP/before" || fail "nginx.conf not byte-identical after recovery and a full run"
expect_eq "$(jq -r --arg id "$first_run" 'select(.run_id == $id) | .status' "$TMP/base/var/history.jsonl")" aborted "interrupted run"
for dir in "$TMP"/base/var/runs/*/; do
  expect_eq "$(cat "$dir/nginx.worker_processes.orig")" "present 3" "stored original in $dir"
done
