#!/usr/bin/env bash
# phpfpm-experiment on a real php-fpm8.2 refuses what is not allowed with a
# clear error and exit 2, before it stores or changes anything: settings off
# its list, values out of range, a pm.max_children or pm that PHP-FPM would
# reject next to the pool's spare-server values, a pool file it could not
# restore exactly, and (through sudo) a file outside /etc/php/*/fpm/pool.d.
# A change the config test rejects is put back at once (exit 1) and PHP-FPM
# is not reloaded. The pool file stays byte-identical and PHP-FPM keeps
# running its workers.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/phpfpm.sh"
phpfpm_need
export SMART_LIBEXEC_DIR=$SMART_SOURCE_DIR/packaging
P=$SMART_SOURCE_DIR/packaging/phpfpm-experiment
phpfpm_start "$TMP/fpm"
cp -p "$PHPFPM_POOL_CONF" "$TMP/pool.before"
export SMART_RUN_DIR=$TMP/run && mkdir -p "$SMART_RUN_DIR"
unchanged() {
  cmp "$PHPFPM_POOL_CONF" "$TMP/pool.before" || fail "the pool file changed after: $LAST_CMD"
  [ -z "$(ls -A "$SMART_RUN_DIR")" ] || fail "something was stored after: $LAST_CMD: $(ls -A "$SMART_RUN_DIR")"
}
refused() {
  local text=$1
  shift
  expect_exit 2 "$P" "$@"
  expect_in "$TMP/err" "$text"
  unchanged
}

refused "not one of the settings" apply pm.start_servers 3
refused "not one of the settings" apply listen 0.0.0.0:9000
refused "not one of the settings" apply user root
refused "not one of the settings" revert pm.max_spare_servers
refused "must be static, dynamic or ondemand" apply pm sometimes
refused "must be static, dynamic or ondemand" apply pm "static;"
refused "must be 1-512" apply pm.max_children 0
refused "must be 1-512" apply pm.max_children 513
refused "must be 1-512" apply pm.max_children 99999999999
refused "must be 1-512" apply pm.max_children -4
refused "must be 1-512" apply pm.max_children "5 ; x"
refused "usage" apply pm
refused "usage" restore pm
# Debian's pool: pm = dynamic with pm.max_spare_servers = 3
refused "pm.max_spare_servers (3) <= pm.max_children (2)" apply pm.max_children 2

# a pool that is static with 2 children cannot become dynamic as it is
sed -i -e 's/^pm = dynamic$/pm = static/' -e 's/^pm.max_children = 5$/pm.max_children = 2/' "$PHPFPM_POOL_CONF"
cp -p "$PHPFPM_POOL_CONF" "$TMP/pool.before"
refused "pm.max_spare_servers (3) <= pm.max_children (2)" apply pm dynamic
# pm.start_servers out of the spare range
sed -i -e 's/^pm.max_children = 2$/pm.max_children = 10/' -e 's/^pm.start_servers = 2$/pm.start_servers = 9/' "$PHPFPM_POOL_CONF"
cp -p "$PHPFPM_POOL_CONF" "$TMP/pool.before"
refused "pm.start_servers (9) between" apply pm dynamic

# a pool file it could not restore exactly, or where the setting is ambiguous
printf 'pm.max_children = 6\n' >>"$PHPFPM_POOL_CONF"
cp -p "$PHPFPM_POOL_CONF" "$TMP/pool.before"
refused "pm.max_children is set twice" apply pm.max_children 12
sed -i '$d' "$PHPFPM_POOL_CONF"
sed -i 's/^pm = static$/pm = "static"/' "$PHPFPM_POOL_CONF"
cp -p "$PHPFPM_POOL_CONF" "$TMP/pool.before"
refused "not a plain word" apply pm ondemand
sed -i 's/^pm = "static"$/pm = static/' "$PHPFPM_POOL_CONF"
printf '[second]\nlisten = 127.0.0.1:1\n' >>"$PHPFPM_POOL_CONF"
cp -p "$PHPFPM_POOL_CONF" "$TMP/pool.before"
refused "holds 2 pools" apply pm ondemand
sed -i '/^\[second\]$/,$d' "$PHPFPM_POOL_CONF"
cp -p "$PHPFPM_POOL_CONF" "$TMP/pool.before"

# through sudo (root with SUDO_UID): only pool files under /etc/php/*/fpm/pool.d
SUDO_UID=1000 expect_exit 2 "$P" set "$PHPFPM_POOL_CONF" pm ondemand
expect_in "$TMP/err" "through sudo only *.conf files under /etc/php/*/fpm/pool.d"
SUDO_UID=1000 expect_exit 2 "$P" set /etc/php/8.2/fpm/pool.d/www.conf listen 0.0.0.0:9000
expect_in "$TMP/err" "not one of the settings"
SUDO_UID=1000 expect_exit 2 "$P" set /etc/php/8.2/fpm/pool.d/www.conf pm.max_children 100000
expect_in "$TMP/err" "must be 1-512"
unchanged

# a value the config test rejects: put back at once, no reload
PHPFPM_TEST=false PHPFPM_RELOAD="touch $TMP/reloaded" expect_exit 1 "$P" apply pm ondemand
expect_in "$TMP/err" "the config test failed; put back 'static'"
[ ! -e "$TMP/reloaded" ] || fail "reloaded after a failed config test"
cmp "$PHPFPM_POOL_CONF" "$TMP/pool.before" || fail "the pool file differs after a failed config test"
# (the run record of that attempt stays: the caller's revert finds the value as before)
expect_exit 0 "$P" revert pm
cmp "$PHPFPM_POOL_CONF" "$TMP/pool.before" || fail "the pool file differs after the revert"

# PHP-FPM itself never saw a bad config and runs the pool file's static 10
# (the revert reloaded it)
kill -0 "$PHPFPM_PID" || fail "php-fpm is gone"
workers_are() { [ "$(phpfpm_workers)" -eq "$1" ]; }
wait_for workers_are 10
