#!/usr/bin/env bash
# experiments/001_nginx_workers on a real nginx, without smart-run: each
# variant sets worker_processes (nginx really runs that many workers), and
# revert puts back the value that was there before the run (3 here, not the
# original scripts' hard-coded 1), leaving nginx.conf byte-identical.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/experiment.sh"
exp_need_nginx

exp_start_nginx
# a non-default value the experiment knows nothing about
sed -i 's/^worker_processes 1;$/worker_processes 3;/' "$NGINX_CONF"
nginx_reload "$TMP/nginx"
cp -p "$NGINX_CONF" "$TMP/nginx.conf.before"

exp_copy_for_test "$SMART_SOURCE_DIR/experiments/001_nginx_workers" "$TMP/exp/001_nginx_workers" "$NGINX_URL" "$TMP/smart.conf"
exp=$TMP/exp/001_nginx_workers
export SMART_RUN_DIR=$TMP/run
mkdir -p "$SMART_RUN_DIR"

workers() { pgrep -P "$(cat "$TMP/nginx/nginx.pid")" | wc -l; }
workers_are() { [ "$(workers)" -eq "$1" ]; }
wait_for workers_are 3

# runs a command of meta.json (argv form) in the experiment directory, as smart-run does
meta_cmd() { # JQ_PATH
  local -a argv
  mapfile -t argv < <(jq -r "$1 | if type == \"array\" then .[] else error(\"not argv\") end" "$exp/meta.json")
  (cd "$exp" && "${argv[@]}")
}

for variant in workers_2 workers_4 workers_auto; do
  value=$(jq -r --arg v "$variant" '.variants[] | select(.name == $v) | .apply[3]' "$exp/meta.json")
  run meta_cmd ".variants[] | select(.name == \"$variant\") | .apply"
  [ "$RC" -eq 0 ] || { _show; fail "apply $variant"; }
  grep -qx "worker_processes $value;" "$NGINX_CONF" || fail "$variant: worker_processes $value not in the config"
  expect_exit 0 meta_cmd .check
  case $value in
    auto) wait_for workers_are "$(nproc)" ;;
    *) wait_for workers_are "$value" ;;
  esac
  expect_eq "$(cat "$SMART_RUN_DIR/nginx.worker_processes.orig")" "present 3" "stored original"
  run meta_cmd .revert
  [ "$RC" -eq 0 ] || { _show; fail "revert $variant"; }
  expect_in "$TMP/err" "restored to 3"
  cmp "$NGINX_CONF" "$TMP/nginx.conf.before" || fail "$variant: nginx.conf not byte-identical after revert"
  wait_for workers_are 3
done
cmp "$SMART_RUN_DIR/nginx.conf.orig" "$TMP/nginx.conf.before" || fail "the backup is not the config before the run"

# a revert in a run that never applied anything changes nothing
mkdir "$TMP/run2"
SMART_RUN_DIR=$TMP/run2 run meta_cmd .revert
expect_eq "$RC" 0
expect_in "$TMP/err" "nothing was changed in this run"
cmp "$NGINX_CONF" "$TMP/nginx.conf.before" || fail "revert without apply changed the config"
