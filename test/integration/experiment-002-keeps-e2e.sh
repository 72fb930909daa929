#!/usr/bin/env bash
# smart-run on the shipped 002_nginx_keepalive against a real nginx serving
# https with keep-alive off: turning keep-alive on saves a TLS handshake per
# request, smart-run keeps keepalive_65 (a deserved keep, not a lucky one:
# the confidence interval of the improvement is far above the threshold),
# and nginx.conf differs from before in that one value only.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/experiment.sh"
exp_need_smart_run

exp_start_nginx_https
exp_nginx_keepalive_off
cp -p "$NGINX_CONF" "$TMP/before"

exp=$TMP/exp/002_nginx_keepalive
exp_copy_for_test "$SMART_SOURCE_DIR/experiments/002_nginx_keepalive" "$exp" "$NGINX_HTTPS_URL" "$TMP/smart.conf"
# smart-run verifies the self-signed certificate against its CA file
exp_conf_trust_tls "$TMP/smart.conf"
# short phases for a test: many small interleaved blocks, probes every 20 ms
jq '.measure_interval_sec = 0.02' "$exp/meta.json" >"$exp/m" && mv "$exp/m" "$exp/meta.json"

expect_exit 0 smart-run --config "$TMP/smart.conf" --json --variant-seconds 6s \
  --block-seconds 0.5s --warmup-seconds 0.2s 002_nginx_keepalive
cp "$TMP/out" "$TMP/summary.json"
expect_eq "$(jq -r .status "$TMP/summary.json")" kept "status"
expect_eq "$(jq -r .kept_variant "$TMP/summary.json")" keepalive_65 "kept variant"
run_dir=$(ls -d "$TMP"/base/var/runs/*/)
expect_eq "$(jq -r .decision "$run_dir/keepalive_65.decision.json")" keep "decision"
# deserved: p50 more than halved, and more than 200 samples on each side
improve=$(jq -r '.variants[0].improve_pct' "$TMP/summary.json")
awk -v x="$improve" 'BEGIN { exit !(x > 50) }' || fail "improvement only $improve%"
[ "$(jq -r '.variants[0].stats.n' "$TMP/summary.json")" -gt 150 ] || fail "too few samples: $(jq -c .variants[0].stats "$TMP/summary.json")"

# the kept config: keepalive_timeout 65 instead of 0, every other byte as before
grep -q '^ *keepalive_timeout 65;$' "$NGINX_CONF" || fail "keepalive_timeout 65 not in the config"
sed 's/^\( *\)keepalive_timeout 65;$/\1keepalive_timeout 0;/' "$NGINX_CONF" | cmp - "$TMP/before" \
  || fail "the kept config differs from the original in more than keepalive_timeout"
expect_eq "$(cat "$run_dir/nginx.keepalive_timeout.orig")" "present 0" "stored original"
cmp "$run_dir/nginx.conf.orig" "$TMP/before" || fail "nginx.conf.orig is not the config before the run"
expect_eq "$(jq -r .kept_variant "$TMP/base/var/state.json")" keepalive_65 "state.json"
