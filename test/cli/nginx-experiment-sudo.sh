#!/usr/bin/env bash
# nginx-experiment as an unprivileged user (like `smart`) on a config whose
# directory it cannot write: the edit goes through `sudo -n nginx-directive`
# with exactly the arguments the sudoers rule is for, and NGINX_TEST /
# NGINX_RELOAD run as given. sudo is a stand-in that records its arguments
# (and runs the command as root-less as it is), so nothing is elevated here.
. "$(dirname "$0")/../lib/common.sh"
[ "$(id -u)" -eq 0 ] || skip "needs root to switch to an unprivileged user"
command -v setpriv >/dev/null || skip "setpriv is not installed"
id nobody >/dev/null 2>&1 || skip "no user nobody"

chmod 755 "$TMP"
mkdir -p "$TMP/etc" "$TMP/bin" "$TMP/run"
printf 'worker_processes 3;\nhttp {\n}\n' >"$TMP/etc/nginx.conf"
chmod 755 "$TMP/etc"; chmod 644 "$TMP/etc/nginx.conf"
chown nobody "$TMP/run"
cat >"$TMP/bin/sudo" <<SH
#!/bin/sh
echo "sudo \$*" >>"$TMP/run/sudo.log"
exit 0
SH
cat >"$TMP/bin/fake-test" <<SH
#!/bin/sh
echo "test \$*" >>"$TMP/run/sudo.log"
SH
chmod 755 "$TMP/bin"/*

as_nobody() {
  setpriv --reuid=nobody --regid=nogroup --clear-groups env PATH="$TMP/bin:/usr/bin:/bin" \
    NGINX_CONF="$TMP/etc/nginx.conf" SMART_RUN_DIR="$TMP/run" \
    NGINX_TEST="$TMP/bin/fake-test -t -q" NGINX_RELOAD="$TMP/bin/fake-test reload" \
    "$SMART_SOURCE_DIR/packaging/nginx-experiment" "$@"
}
expect_exit 0 as_nobody apply main worker_processes 2
expect_eq "$(cat "$TMP/run/nginx.worker_processes.orig")" "present 3" "stored as nobody"
expect_eq "$(sed -n 1p "$TMP/run/sudo.log")" \
  "sudo -n $SMART_SOURCE_DIR/packaging/nginx-directive set $TMP/etc/nginx.conf main worker_processes 2"
expect_eq "$(sed -n 2p "$TMP/run/sudo.log")" "test -t -q"
expect_eq "$(sed -n 3p "$TMP/run/sudo.log")" "test reload"
: >"$TMP/run/sudo.log"
expect_exit 0 as_nobody revert main worker_processes
# (the stand-in changed nothing, so the value read back is still 3)
expect_eq "$(sed -n 1p "$TMP/run/sudo.log")" \
  "sudo -n $SMART_SOURCE_DIR/packaging/nginx-directive set $TMP/etc/nginx.conf main worker_processes 3"
# a sudo that fails (not allowed, password needed): apply fails, nothing else runs
printf '#!/bin/sh\necho "sudo: a password is required" >&2\nexit 1\n' >"$TMP/bin/sudo"
: >"$TMP/run/sudo.log"
expect_exit 1 as_nobody apply main worker_processes 4
expect_in "$TMP/err" "a password is required"
[ ! -s "$TMP/run/sudo.log" ] || fail "test/reload ran after a failed edit: $(cat "$TMP/run/sudo.log")"
