#!/usr/bin/env bash
# meta.json "load" makes smart-run measure under load: smart-measure runs a
# closed loop on 4 keep-alive connections instead of one probe per interval.
# On a loopback nginx with keep-alive off, turning it on is a large win under
# load, and smart-run keeps it from many thousands of requests per side.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/experiment.sh"
exp_need_smart_run

mkdir -p "$TMP/nginx"
exp_start_nginx
exp_nginx_keepalive_off

exp=$TMP/exp/002_nginx_keepalive
exp_copy_for_test "$SMART_SOURCE_DIR/experiments/002_nginx_keepalive" "$exp" "$NGINX_URL" "$TMP/smart.conf"
jq '.load = {"concurrency": 4}' "$exp/meta.json" >"$exp/m" && mv "$exp/m" "$exp/meta.json"

expect_exit 0 smart-run --config "$TMP/smart.conf" --json --variant-seconds 3s \
  --block-seconds 0.5s --warmup-seconds 0.1s 002_nginx_keepalive
cp "$TMP/out" "$TMP/summary.json"
expect_eq "$(jq -r .status "$TMP/summary.json")" kept "status"
expect_eq "$(jq -r .kept_variant "$TMP/summary.json")" keepalive_65 "kept variant"
# Probe mode at the experiment's 0.2 s interval would give about 8 samples
# a side in 3 s; load mode gives thousands.
n=$(jq -r '.variants[0].stats.n' "$TMP/summary.json")
[ "$n" -gt 1000 ] || fail "only $n variant samples: load mode was not used"
run_dir=$(ls -d "$TMP"/base/var/runs/*/)
# One row per request, with the block column of the interleaved design.
head -n 1 "$run_dir/keepalive_65.csv" | grep -q ',block' || fail "no block column: $(head -n 1 "$run_dir/keepalive_65.csv")"
