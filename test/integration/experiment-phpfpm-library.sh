#!/usr/bin/env bash
# The PHP-FPM experiments 019-020 on a real php-fpm8.2 behind a real nginx
# (FastCGI): every variant is written into the pool file (read back from
# it), PHP-FPM is reloaded and runs it (its status page names the process
# manager, pm = static runs pm.max_children workers, the PHP page still
# answers through nginx), and the revert leaves the pool file byte-identical,
# also after two variants and after changes of both settings in one run;
# then PHP-FPM runs the old settings again.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/phpfpm.sh"
phpfpm_need
export SMART_LIBEXEC_DIR=$SMART_SOURCE_DIR/packaging
P=$SMART_SOURCE_DIR/packaging/phpfpm-experiment
phpfpm_site
php_answers() { curl -fsS --max-time 10 "$page" | grep -q '^php ok '; }
php_answers || fail "the PHP page does not answer through nginx: $(curl -sS "$page")"
pget() { "$P" get "$PHPFPM_POOL_CONF" "$1"; }
expect_eq "$(pget pm)" dynamic "Debian's pm"
expect_eq "$(pget pm.max_children)" 5 "Debian's pm.max_children"
workers_are() { [ "$(phpfpm_workers)" -eq "$1" ]; }
# dynamic: between pm.min_spare_servers and pm.max_children, at least one
workers_dynamic() { local n; n=$(phpfpm_workers); [ "$n" -ge 1 ] && [ "$n" -le 5 ]; }

# variants ID NAME: every variant of experiments/ID applied through its
# phpfpm.sh, read back and run by PHP-FPM; then reverted byte-identically
variants() {
  local id=$1 name=$2 n i value
  export SMART_RUN_DIR=$TMP/run/$id
  mkdir -p "$SMART_RUN_DIR"
  cd "$SMART_SOURCE_DIR/experiments/$id"
  expect_exit 0 sh phpfpm.sh check
  n=$(jq '.variants | length' meta.json)
  for ((i = 1; i < n; i++)); do
    value=$(jq -r ".variants[$i].apply[4]" meta.json)
    expect_exit 0 sh phpfpm.sh "$name" apply "$value"
    expect_eq "$(pget "$name")" "$value" "$name in the pool file after applying"
    case "$name=$value" in
      pm=static) wait_for phpfpm_pm_is static; wait_for workers_are 5 ;;
      pm=ondemand) wait_for phpfpm_pm_is ondemand ;;
    esac
    wait_for php_answers
  done
  expect_eq "$(cat "$SMART_RUN_DIR/phpfpm.$name.orig")" "present $(sed -n "s/^$name = //p" "$TMP/pool.before")" "stored value"
  cmp "$SMART_RUN_DIR/phpfpm.pool.orig" "$TMP/pool.before" || fail "$id: the stored copy differs from the pool file before the run"
  expect_exit 0 sh phpfpm.sh "$name" revert
  cmp "$PHPFPM_POOL_CONF" "$TMP/pool.before" || fail "$id: the pool file differs after the revert: $(diff "$TMP/pool.before" "$PHPFPM_POOL_CONF")"
  wait_for phpfpm_pm_is dynamic
  wait_for workers_dynamic
  wait_for php_answers
  # a second revert changes nothing
  expect_exit 0 sh phpfpm.sh "$name" revert
  cmp "$PHPFPM_POOL_CONF" "$TMP/pool.before" || fail "$id: the pool file differs after a second revert"
  cd "$TMP"
}
variants 019_phpfpm_pm pm
variants 020_phpfpm_max_children pm.max_children

# both settings in one run: static with 8 workers runs 8, then both reverts
export SMART_RUN_DIR=$TMP/run/both && mkdir -p "$SMART_RUN_DIR"
expect_exit 0 "$P" apply pm static
expect_exit 0 "$P" apply pm.max_children 8
wait_for workers_are 8
wait_for php_answers
# static allows fewer children than Debian's spare values
expect_exit 0 "$P" apply pm.max_children 2
wait_for workers_are 2
expect_exit 0 "$P" revert pm.max_children
expect_exit 0 "$P" revert pm
cmp "$PHPFPM_POOL_CONF" "$TMP/pool.before" || fail "the pool file differs after reverting both settings"
wait_for phpfpm_pm_is dynamic
wait_for workers_dynamic

# a setting absent before the run is appended and removed again
sed -i '/^pm.max_children = /d' "$PHPFPM_POOL_CONF"
cp -p "$PHPFPM_POOL_CONF" "$TMP/pool.absent"
export SMART_RUN_DIR=$TMP/run/absent && mkdir -p "$SMART_RUN_DIR"
# (PHP-FPM needs pm.max_children: its config test fails without one, so use a
# test that only checks the file, like a dry run)
PHPFPM_TEST=true PHPFPM_RELOAD=true expect_exit 0 "$P" apply pm.max_children 7
expect_eq "$(cat "$SMART_RUN_DIR/phpfpm.pm.max_children.orig")" absent "stored record"
expect_eq "$(tail -n 1 "$PHPFPM_POOL_CONF")" "pm.max_children = 7" "appended line"
PHPFPM_TEST=true PHPFPM_RELOAD=true expect_exit 0 "$P" revert pm.max_children
cmp "$PHPFPM_POOL_CONF" "$TMP/pool.absent" || fail "the pool file differs after removing the appended setting"
cp -p "$TMP/pool.before" "$PHPFPM_POOL_CONF"
