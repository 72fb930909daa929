#!/usr/bin/env bash
# The resource guard on a real nginx, watched through its pid file (the
# master and its workers via /proc): the variant turns keep-alive on (a
# deserved keep over https, as in run-keeps) AND raises worker_processes
# from 1 to 4, which more than doubles the tree's memory. With the default
# MAX_MEMORY_INCREASE_PCT the keep becomes a revert "too costly: memory";
# with a high limit it is kept, and the cost is in the reasons either way.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/experiment.sh"
exp_need_smart_run

exp_start_nginx_https
exp_nginx_keepalive_off
ndir=$(exp_nginx_dir)
exp=$TMP/exp/costly
mkdir -p "$exp"
# apply N KEEPALIVE / revert: edit the config, reload, and wait until the
# master has exactly N workers (the old ones gone), bounded to 10 s.
cat >"$exp/nginx.sh" <<SH
#!/bin/sh
set -e
conf=$NGINX_CONF
workers() {
  i=0
  while [ "\$(pgrep -P "\$(cat $ndir/nginx.pid)" | wc -l)" -ne "\$1" ]; do
    i=\$((i + 1)); [ "\$i" -lt 200 ] || { echo "workers did not settle at \$1" >&2; exit 1; }
    sleep 0.05
  done
}
case \$1 in
  apply) sed -i "s/^worker_processes .*/worker_processes \$2;/; s/keepalive_timeout 0;/keepalive_timeout 65;/" "\$conf"; n=\$2 ;;
  revert) sed -i "s/^worker_processes .*/worker_processes 1;/; s/keepalive_timeout 65;/keepalive_timeout 0;/" "\$conf"; n=1 ;;
esac
nginx -p $ndir -c "\$conf" -e $ndir/error.log -s reload
workers "\$n"
SH
cat >"$exp/meta.json" <<JSON
{
  "id": "costly",
  "description": "keep-alive on, and four workers",
  "variants": [
    {"name": "baseline", "apply": "true"},
    {"name": "workers_4", "apply": ["/bin/sh", "nginx.sh", "apply", "4"]}
  ],
  "revert": ["/bin/sh", "nginx.sh", "revert"],
  "target_url": "$NGINX_HTTPS_URL",
  "measure_interval_sec": 0.01,
  "pid_file": "$ndir/nginx.pid",
  "timeout_seconds": 30
}
JSON
plain_conf() {
  cat >"$1" <<CONF
BASE_DIR=$TMP/base
EXPERIMENTS_DIR=$TMP/exp
SMART_BIN_DIR=$SMART_BUILD_DIR/tools
RETAIN_DAYS=0
CONF
}
plain_conf "$TMP/smart.conf"
exp_conf_trust_tls "$TMP/smart.conf"
state=$TMP/base/var/state.json
run_costly() {
  expect_exit 0 smart-run --config "$TMP/smart.conf" --variant-seconds 8s --block-seconds 1s \
    --warmup-seconds 0.25s costly
  dir=$TMP/base/var/runs/$(jq -r .run_id "$state")
}

# Default limit (30 %): the faster variant costs too much memory.
run_costly
expect_eq "$(jq -r .kept_variant "$state")" none "the costly variant was kept"
grep -q '^worker_processes 1;' "$NGINX_CONF" || fail "the costly variant is still applied"
expect_eq "$(jq -r .variants[0].outcome "$dir/summary.json")" revert
jq -e '.variants[0].reasons[0] | startswith("too costly: memory +")' "$dir/summary.json" >/dev/null \
  || fail "the first reason is not the memory guard's"
jq -e '.variants[0].reasons | any(startswith("cost: "))' "$dir/summary.json" >/dev/null \
  || fail "no cost in the reasons"
jq -e '.variants[0].resources.memory_change_pct > 30 and .variants[0].resources.breach != null' \
  "$dir/summary.json" >/dev/null || fail "resources do not show the memory rise"
expect_in <(jq -r .reason "$dir/summary.json") "workers_4: too costly: memory"
echo "default limit: $(jq -r '.variants[0].reasons | join(" | ")' "$dir/summary.json")" >&2
expect_in "$dir/run.log" "resources: watching pid file"
expect_eq "$(jq -r '.variants[0].decision_file' "$dir/summary.json")" workers_4.decision.json
# smart-decide itself said keep: only the cost reverted it.
expect_eq "$(jq -r .decision "$dir/workers_4.decision.json")" keep "the variant was not a speed win"

# A high limit: the same variant is kept, its cost still reported.
echo "MAX_MEMORY_INCREASE_PCT=10000" >>"$TMP/smart.conf"
echo "MAX_CPU_INCREASE_PCT=10000" >>"$TMP/smart.conf"
run_costly
expect_eq "$(jq -r .kept_variant "$state")" workers_4
grep -q '^worker_processes 4;' "$NGINX_CONF" || fail "the kept variant is not applied"
jq -e '.variants[0].reasons | any(startswith("too costly")) | not' "$dir/summary.json" >/dev/null \
  || fail "reverted for its cost under a high limit"
jq -e '.variants[0].reasons | any(startswith("cost: "))' "$dir/summary.json" >/dev/null \
  || fail "no cost in the reasons of the kept variant"
