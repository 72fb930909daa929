#!/usr/bin/env bash
# experiments/002_nginx_keepalive on a real nginx, without smart-run: from
# keep-alive off (keepalive_timeout 0) the variant makes a client reuse its
# connection; revert turns it off again, byte-identical. From a config with
# no keepalive_timeout at all, apply inserts it and revert removes it again.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/experiment.sh"
exp_need_nginx

exp_start_nginx
exp_nginx_keepalive_off
cp -p "$NGINX_CONF" "$TMP/off"
exp_copy_for_test "$SMART_SOURCE_DIR/experiments/002_nginx_keepalive" "$TMP/exp/002" "$NGINX_URL" "$TMP/smart.conf"
expect_eq "$(jq -r .target_url "$TMP/exp/002/meta.json")" "$NGINX_URL" "target_url rewritten"
export SMART_RUN_DIR=$TMP/run
mkdir -p "$SMART_RUN_DIR"
cd "$TMP/exp/002"

# how many connections curl opens for 3 requests
connections() { curl -sv -o /dev/null -o /dev/null -o /dev/null "$NGINX_URL" "$NGINX_URL" "$NGINX_URL" 2>&1 | grep -c '^\* Connected to'; }
reused() { [ "$(connections)" -eq 1 ]; }
not_reused() { [ "$(connections)" -eq 3 ]; }
wait_for not_reused

expect_exit 0 sh nginx.sh apply 65
grep -q '^ *keepalive_timeout 65;$' "$NGINX_CONF" || fail "keepalive_timeout 65 not set"
expect_eq "$(cat "$SMART_RUN_DIR/nginx.keepalive_timeout.orig")" "present 0"
wait_for reused
expect_exit 0 sh nginx.sh revert
cmp "$NGINX_CONF" "$TMP/off" || fail "not byte-identical after revert"
wait_for not_reused

# absent before the run: inserted, then removed
sed -i '/keepalive_timeout/d' "$NGINX_CONF"
nginx_reload "$TMP/nginx"
cp -p "$NGINX_CONF" "$TMP/absent"
rm -rf "$SMART_RUN_DIR" && mkdir "$SMART_RUN_DIR"
expect_exit 0 sh nginx.sh apply 65
expect_eq "$(cat "$SMART_RUN_DIR/nginx.keepalive_timeout.orig")" "absent"
grep -q '^ *keepalive_timeout 65;$' "$NGINX_CONF" || fail "keepalive_timeout 65 not inserted"
expect_exit 0 sh nginx.sh check
expect_exit 0 sh nginx.sh revert
expect_in "$TMP/err" "removed (it was absent before the run)"
cmp "$NGINX_CONF" "$TMP/absent" || fail "not byte-identical after removing the inserted directive"
