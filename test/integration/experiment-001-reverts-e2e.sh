#!/usr/bin/env bash
# smart-run on the shipped 001_nginx_workers against a real nginx whose
# worker_processes is 3 (not the original's hard-coded 1): every variant is
# applied and reverted in interleaved blocks, and after the run
# (--advise: always revert) nginx.conf is byte-identical and nginx runs 3
# workers again.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/experiment.sh"
exp_need_smart_run

exp_start_nginx
sed -i 's/^worker_processes 1;$/worker_processes 3;/' "$NGINX_CONF"
nginx_reload "$TMP/nginx"
cp -p "$NGINX_CONF" "$TMP/before"
workers_are() { [ "$(pgrep -P "$(cat "$TMP/nginx/nginx.pid")" | wc -l)" -eq "$1" ]; }
wait_for workers_are 3

exp=$TMP/exp/001_nginx_workers
exp_copy_for_test "$SMART_SOURCE_DIR/experiments/001_nginx_workers" "$exp" "$NGINX_URL" "$TMP/smart.conf"
jq '.measure_interval_sec = 0.05' "$exp/meta.json" >"$exp/m" && mv "$exp/m" "$exp/meta.json"

expect_exit 0 smart-run --config "$TMP/smart.conf" --json --advise --variant-seconds 2s \
  --block-seconds 0.5s 001_nginx_workers
cp "$TMP/out" "$TMP/summary.json"
expect_eq "$(jq -r .kept_variant "$TMP/summary.json")" none "kept variant"
expect_eq "$(jq -r '[.variants[].name] | join(" ")' "$TMP/summary.json")" "workers_auto workers_2 workers_4" "variants run"
run_dir=$(ls -d "$TMP"/base/var/runs/*/)
# each variant was really applied and reverted by the experiment's commands
for v in workers_auto workers_2 workers_4; do
  ls "$run_dir" | grep -q "^apply\.$v" || fail "no apply log for $v in $run_dir: $(ls "$run_dir")"
done
grep -rqs 'restored to 3' "$run_dir" || fail "no revert restored 3 (logs in $run_dir)"
expect_eq "$(cat "$run_dir/nginx.worker_processes.orig")" "present 3" "stored original"
cmp "$NGINX_CONF" "$TMP/before" || fail "nginx.conf not byte-identical after the run"
wait_for workers_are 3
