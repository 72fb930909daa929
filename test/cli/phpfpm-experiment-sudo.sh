#!/usr/bin/env bash
# phpfpm-experiment as an unprivileged user (like `smart`) on a pool file it
# cannot write: the edit goes through `sudo -n phpfpm-experiment set|unset
# FILE NAME [VALUE]`, exactly the argv the sudoers rule names, and
# PHPFPM_TEST / PHPFPM_RELOAD run as given. sudo is a stand-in that records
# its arguments and runs nothing, so nothing is elevated here. The shipped
# sudoers file names these commands for Debian's pool file and passes visudo.
. "$(dirname "$0")/../lib/common.sh"
[ "$(id -u)" -eq 0 ] || skip "needs root to switch to an unprivileged user"
command -v setpriv >/dev/null || skip "setpriv is not installed"
id nobody >/dev/null 2>&1 || skip "no user nobody"

chmod 755 "$TMP"
mkdir -p "$TMP/etc" "$TMP/bin" "$TMP/run"
printf '[www]\npm = dynamic\npm.max_children = 5\npm.start_servers = 2\npm.min_spare_servers = 1\npm.max_spare_servers = 3\n' >"$TMP/etc/www.conf"
chmod 755 "$TMP/etc"; chmod 644 "$TMP/etc/www.conf"
cp -p "$TMP/etc/www.conf" "$TMP/www.before"
chown nobody "$TMP/run"
cat >"$TMP/bin/sudo" <<SH
#!/bin/sh
echo "sudo \$*" >>"$TMP/run/sudo.log"
exit 0
SH
cat >"$TMP/bin/fake" <<SH
#!/bin/sh
echo "fake \$*" >>"$TMP/run/sudo.log"
SH
chmod 755 "$TMP/bin"/*

as_nobody() {
  setpriv --reuid=nobody --regid=nogroup --clear-groups env PATH="$TMP/bin:/usr/bin:/bin" \
    PHPFPM_POOL_CONF="$TMP/etc/www.conf" SMART_RUN_DIR="$TMP/run" \
    PHPFPM_TEST="$TMP/bin/fake -t" PHPFPM_RELOAD="$TMP/bin/fake reload" \
    "$SMART_SOURCE_DIR/packaging/phpfpm-experiment" "$@"
}
P=$SMART_SOURCE_DIR/packaging/phpfpm-experiment
expect_exit 0 as_nobody apply pm static
expect_eq "$(cat "$TMP/run/phpfpm.pm.orig")" "present dynamic" "stored as nobody"
expect_eq "$(sed -n 1p "$TMP/run/sudo.log")" "sudo -n $P set $TMP/etc/www.conf pm static"
expect_eq "$(sed -n 2p "$TMP/run/sudo.log")" "fake -t"
expect_eq "$(sed -n 3p "$TMP/run/sudo.log")" "fake reload"
: >"$TMP/run/sudo.log"
expect_exit 0 as_nobody revert pm
expect_eq "$(sed -n 1p "$TMP/run/sudo.log")" "sudo -n $P set $TMP/etc/www.conf pm dynamic"
cmp "$TMP/etc/www.conf" "$TMP/www.before" || fail "the stand-in sudo changed nothing, yet the file differs"
# a sudo that fails (not allowed, password needed): apply fails, no test, no reload
printf '#!/bin/sh\necho "sudo: a password is required" >&2\nexit 1\n' >"$TMP/bin/sudo"
: >"$TMP/run/sudo.log"
expect_exit 1 as_nobody apply pm.max_children 10
expect_in "$TMP/err" "a password is required"
[ ! -s "$TMP/run/sudo.log" ] || fail "test/reload ran after a failed edit: $(cat "$TMP/run/sudo.log")"

# the shipped rule: these argv for Debian's pool file, and a valid file
S=$SMART_SOURCE_DIR/packaging/sudoers
for line in "phpfpm-experiment set /etc/php/8.2/fpm/pool.d/www.conf pm \*" \
  "phpfpm-experiment set /etc/php/8.2/fpm/pool.d/www.conf pm.max_children \*" \
  "phpfpm-experiment unset /etc/php/8.2/fpm/pool.d/www.conf pm," \
  "phpfpm-experiment unset /etc/php/8.2/fpm/pool.d/www.conf pm.max_children," \
  "/usr/sbin/php-fpm8.2 -t," "/usr/bin/systemctl reload php8.2-fpm"; do
  grep -q -- "$line" "$S" || fail "packaging/sudoers lacks: $line"
done
if command -v visudo >/dev/null; then
  expect_exit 0 visudo -cf "$S"
fi
