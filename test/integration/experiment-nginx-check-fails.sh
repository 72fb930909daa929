#!/usr/bin/env bash
# A variant nginx rejects: apply fails (exit 1) before any reload, the
# running nginx keeps serving the old config, and revert brings nginx.conf
# back byte-identical. Commands and values never reach a shell.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/experiment.sh"
exp_need_nginx

exp_start_nginx
cp -p "$NGINX_CONF" "$TMP/before"
exp_copy_for_test "$SMART_SOURCE_DIR/experiments/001_nginx_workers" "$TMP/exp/001" "$NGINX_URL" "$TMP/smart.conf"
export SMART_RUN_DIR=$TMP/run
mkdir -p "$SMART_RUN_DIR"
cd "$TMP/exp/001"

# worker_processes none: plain words, so it is written, but nginx -t refuses it
expect_exit 1 sh nginx.sh apply none
expect_in "$TMP/err" "config test (NGINX_TEST) failed"
expect_in "$TMP/err" "invalid value"
expect_not_in "$TMP/err" "nginx reloaded"
grep -qx 'worker_processes none;' "$NGINX_CONF" || fail "the bad value was not written (test proves nothing)"
curl -fsS "$NGINX_URL" >/dev/null || fail "nginx stopped serving"
expect_exit 1 sh nginx.sh check
expect_exit 0 sh nginx.sh revert
cmp "$NGINX_CONF" "$TMP/before" || fail "not byte-identical after revert"
expect_exit 0 sh nginx.sh check

# metacharacters in a value: refused, nothing changed
for bad in '2; include /etc/passwd' '$(touch /tmp/pwned.$$)' '2 # x' "2'"; do
  expect_exit 2 sh nginx.sh apply "$bad"
  cmp "$NGINX_CONF" "$TMP/before" || fail "value '$bad' changed the config"
done
[ ! -e /tmp/pwned.$$ ] || { rm -f /tmp/pwned.$$; fail "a value ran in a shell"; }

# NGINX_TEST / NGINX_RELOAD are split on blanks, never given to a shell
NGINX_TEST="$NGINX_TEST ; touch $TMP/pwned" run sh nginx.sh check
[ "$RC" -ne 0 ] || fail "a test command with extra words passed"
[ ! -e "$TMP/pwned" ] || fail "NGINX_TEST went through a shell"

# an unrestorable current value is refused before anything changes
sed -i "s/^worker_processes 1;\$/worker_processes '1';/" "$NGINX_CONF"
cp -p "$NGINX_CONF" "$TMP/quoted"
rm -f "$SMART_RUN_DIR"/nginx.*
expect_exit 2 sh nginx.sh apply 2
expect_in "$TMP/err" "could not be restored exactly"
cmp "$NGINX_CONF" "$TMP/quoted" || fail "changed a config it could not restore"
