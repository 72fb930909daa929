#!/usr/bin/env bash
# smart-run --next passes over an experiment whose risk class smart.conf
# does not allow, saying why, and runs it once ALLOW_RISK names the class;
# an unknown class in ALLOW_RISK is a usage error (exit 2).
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/experiment.sh"
exp_need_smart_run
exp_start_nginx

mk() { # ID RISK: an experiment that only records that it ran
  mkdir -p "$TMP/exp/$1"
  jq -n --arg id "$1" --arg risk "$2" --arg url "$NGINX_URL" --arg log "$TMP/ran" \
    '{id: $id, risk: $risk, target_url: $url, measure_interval_sec: 0.05,
      variants: [{name: "baseline", apply: "true"}, {name: "v", apply: ["/bin/sh", "-c", "echo \($id) >>\($log)"]}],
      revert: "true"}' >"$TMP/exp/$1/meta.json"
}
mk a_durable durability
mk b_available availability
cat >"$TMP/smart.conf" <<CONF
BASE_DIR=$TMP/base
EXPERIMENTS_DIR=$TMP/exp
SMART_BIN_DIR=$SMART_BUILD_DIR/tools
CONF
expect_exit 0 smart-run --config "$TMP/smart.conf" --next --advise --variant-seconds 0.3s --block-seconds 0.3s
expect_in "$TMP/err" "skipping a_durable: risk class durability is not allowed"
expect_in "$TMP/err" "skipping b_available: risk class availability is not allowed"
[ ! -e "$TMP/ran" ] || fail "a risky experiment ran: $(cat "$TMP/ran")"

echo "ALLOW_RISK=durability" >>"$TMP/smart.conf"
expect_exit 0 smart-run --config "$TMP/smart.conf" --next --advise --variant-seconds 0.3s --block-seconds 0.3s
expect_in "$TMP/err" "skipping b_available"
expect_eq "$(sort -u "$TMP/ran")" a_durable "ran with ALLOW_RISK=durability"

echo "ALLOW_RISK=durability,everything" >>"$TMP/smart.conf"
expect_exit 2 smart-run --config "$TMP/smart.conf" --next --advise --variant-seconds 0.3s
expect_in "$TMP/err" "ALLOW_RISK: 'everything' is not a risk class"
