#!/usr/bin/env bash
# The abort guard: a variant whose error rate passes ABORT_ERR_PCT after 10
# samples is reverted at once, long before its measurement time is up —
# with smart-measure on a real nginx (the variant answers 503) and with an
# experiment's own measure command (smart-run reads the CSV itself).
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/experiment.sh"
. "$SMART_SOURCE_DIR/test/lib/run.sh"
exp_need_nginx

exp_start_nginx
cp -p "$NGINX_CONF" "$TMP/baseline.conf"
exp_nginx_env
mkdir -p "$TMP/exp/broken"
cat >"$TMP/exp/broken/meta.json" <<JSON
{
  "id": "broken",
  "variants": [{"name": "answers_503",
                "apply": "cp \"\$NGINX_CONF\" \"\$SMART_RUN_DIR/orig.conf\" && sed -i 's/return 200 /return 503 /' \"\$NGINX_CONF\" && \$NGINX_RELOAD"}],
  "revert": "cp \"\$SMART_RUN_DIR/orig.conf\" \"\$NGINX_CONF\" && \$NGINX_RELOAD",
  "target_url": "$NGINX_URL",
  "measure_interval_sec": 0.05,
  "design": "sequential", "baseline_seconds": 1, "variant_seconds": 60, "cooldown_seconds": 0.3
}
JSON
plain_conf "$TMP/smart.conf" "$TMP/exp"
cat >>"$TMP/smart.conf" <<CONF
NGINX_CONF=$NGINX_CONF
NGINX_RELOAD="$NGINX_RELOAD"
CONF
start=$(date +%s)
expect_exit 0 smart-run --config "$TMP/smart.conf" broken
[ $(($(date +%s) - start)) -le 20 ] || fail "the broken variant was not stopped early"
cmp "$NGINX_CONF" "$TMP/baseline.conf" || fail "nginx.conf not byte-identical after the abort"
state=$TMP/base/var/state.json
expect_eq "$(jq -r .status "$state")" reverted
expect_eq "$(jq -r '.variants[0].outcome' "$state")" aborted
jq -e '.variants[0].reasons | any(startswith("abort guard"))' "$state" >/dev/null || fail "no abort guard reason"
expect_in "$TMP/err" "abort guard"
# nginx -s reload only signals the master: old workers may answer a moment
# longer, so wait for the reverted config to serve (fails after 10 s).
wait_for curl -fsS -o /dev/null "$NGINX_URL"

# An own measure command, interleaved: smart-run watches the CSV itself.
plain_experiment "$TMP/exp" plain 'del(.variants[2]) | .design = "interleaved" | .variant_seconds = 60 | .block_seconds = 4 | .warmup_seconds = 0'
echo 500 >"$TMP/exp/plain/code.fast"
start=$(date +%s)
expect_exit 0 smart-run --config "$TMP/smart.conf" plain
[ $(($(date +%s) - start)) -le 20 ] || fail "the broken variant was not stopped early (own measure)"
expect_eq "$(state_of "$TMP/exp/plain")" baseline
expect_eq "$(jq -r '.variants[0].outcome' "$state")" aborted
