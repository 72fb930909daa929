#!/usr/bin/env bash
# The nginx experiments 003-008 under smart-run, killed with SIGKILL while a
# variant is applied: the next run finds pending.json, reverts with the
# interrupted run's stored values, and nginx.conf ends byte-identical.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/experiment.sh"
exp_need_smart_run

exp_start_nginx_https
sed -i "s|^\( *\)access_log off;\$|\1access_log $TMP/nginx/access.log;|" "$NGINX_CONF"
nginx_reload "$TMP/nginx"
cp -p "$NGINX_CONF" "$TMP/before"
changed() { ! cmp -s "$NGINX_CONF" "$TMP/before"; }
same() { cmp -s "$NGINX_CONF" "$TMP/before"; }

for id in 003_nginx_worker_connections 004_nginx_gzip 005_nginx_open_file_cache 006_nginx_access_log_buffer \
  007_nginx_ssl_session 008_nginx_sendfile; do
  exp=$TMP/exp/$id
  exp_copy_for_test "$SMART_SOURCE_DIR/experiments/$id" "$exp" "$NGINX_URL" "$TMP/smart.conf"
  jq '.measure_interval_sec = 0.05' "$exp/meta.json" >"$exp/m" && mv "$exp/m" "$exp/meta.json"
  exp_kill9_recovery "$id" "$TMP/smart.conf" changed same
  rm -rf "$TMP/exp"
done
