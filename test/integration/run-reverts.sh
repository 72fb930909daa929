#!/usr/bin/env bash
# A full run on a real nginx that reverts: the baseline has keep-alive on,
# the variant turns it off (slower), so it is reverted, and nginx.conf is
# byte-identical to the baseline afterwards, in both designs. Over https, so
# that keep-alive off is clearly slower (a TLS handshake per probe; over
# plain loopback http the difference is within the noise).
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/experiment.sh"
exp_need_nginx

exp_start_nginx_https
cp -p "$NGINX_CONF" "$TMP/baseline.conf"
exp=$TMP/exp/keepalive_off
exp_copy_for_test "$SMART_SOURCE_DIR/experiments/002_nginx_keepalive" "$exp" "$NGINX_HTTPS_URL" "$TMP/smart.conf"
exp_conf_trust_tls "$TMP/smart.conf"
jq '.id = "keepalive_off" | .measure_interval_sec = 0.02
    | .variants[1] = {"name": "keepalive_0", "apply": ["/bin/sh", "nginx.sh", "apply", "0"]}' \
  "$exp/meta.json" >"$TMP/m" && mv "$TMP/m" "$exp/meta.json"

for design in interleaved sequential; do
  expect_exit 0 smart-run --config "$TMP/smart.conf" --design $design --baseline-seconds 2s --variant-seconds 4s \
    --block-seconds 1s --cooldown-seconds 0.2s --warmup-seconds 0.2s keepalive_off
  cmp "$NGINX_CONF" "$TMP/baseline.conf" || fail "$design: nginx.conf not byte-identical after the revert"
  state=$TMP/base/var/state.json
  expect_eq "$(jq -r .status "$state")" reverted
  expect_eq "$(jq -r .kept_variant "$state")" none
  expect_eq "$(jq -r .design "$TMP/base/var/runs/$(jq -r .run_id "$state")/summary.json")" $design
  outcome=$(jq -r '.variants[0].outcome' "$state")
  case $outcome in revert|inconclusive) ;; *) fail "$design: outcome $outcome" ;; esac
  jq -e '.metrics.var_p50_ms > .metrics.base_p50_ms' "$state" >/dev/null || fail "$design: the variant should be slower"
  [ ! -e "$TMP/base/var/pending.json" ] || fail "pending.json left"
  expect_in "$TMP/err" "REVERT keepalive_0"
done
