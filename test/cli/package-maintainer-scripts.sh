#!/usr/bin/env bash
# The .deb's maintainer scripts, run against stand-ins for the system
# commands they call (the machine itself is never touched): install creates
# the smart user once and /var/lib/smart, and never enables the timer;
# remove stops it; purge deletes the state and keeps the user.
. "$(dirname "$0")/../lib/common.sh"
src=$SMART_SOURCE_DIR/packaging/debian

# stand-ins log their name and arguments; getent answers from $TMP/users
mkdir -p "$TMP/bin"
for cmd in addgroup adduser install chmod visudo systemctl deb-systemd-helper deb-systemd-invoke rm rmdir setfacl; do
  printf '#!/bin/sh\necho "%s $*" >>"%s"\n' "$cmd" "$TMP/calls" >"$TMP/bin/$cmd"
done
printf '#!/bin/sh\ngrep -qx "$1 $2" "%s" 2>/dev/null\n' "$TMP/users" >"$TMP/bin/getent"
chmod +x "$TMP/bin"/*
# only the stand-ins and a shell: a script calling anything else fails here
ln -s "$(command -v sh)" "$TMP/bin/sh"
ln -s "$(command -v grep)" "$TMP/bin/grep"
maint() { : >"$TMP/calls"; PATH="$TMP/bin" "$(command -v sh)" "$src/$1" "${@:2}"; }

# fresh install
: >"$TMP/users"
maint postinst configure || fail "postinst configure failed"
expect_in "$TMP/calls" "addgroup --system --quiet smart"
expect_in "$TMP/calls" "adduser --system --quiet --ingroup smart --home /var/lib/smart"
expect_in "$TMP/calls" "install -d -o smart -g smart -m 0755 /var/lib/smart"
expect_in "$TMP/calls" "install -d -o root -g root -m 0755 /etc/smart /etc/smart/experiments"
expect_in "$TMP/calls" "chmod 0440 /etc/sudoers.d/smart"
expect_in "$TMP/calls" "visudo -cf /etc/sudoers.d/smart"
expect_in "$TMP/calls" "deb-systemd-helper update-state smart-run.timer"
# node_exporter's textfile directory: smart may write it (an ACL, owner and mode untouched)
expect_in "$TMP/calls" "setfacl -m u:smart:rwx /var/lib/prometheus/node-exporter"
if grep -E 'enable|start' "$TMP/calls" | grep -v 'update-state'; then fail "postinst enables or starts something"; fi

# upgrade: the user exists already, it is not created again
printf 'group smart\npasswd smart\n' >"$TMP/users"
maint postinst configure 0.0.9 || fail "postinst configure (upgrade) failed"
expect_not_in "$TMP/calls" "adduser"
expect_not_in "$TMP/calls" "addgroup"
expect_in "$TMP/calls" "install -d -o smart -g smart -m 0755 /var/lib/smart"

# upgrade after the administrator deleted the sudoers drop-in (a deleted
# conffile stays deleted): postinst still succeeds and checks nothing
printf '#!/bin/sh\necho "chmod $*" >>"%s"\nexit 1\n' "$TMP/calls" >"$TMP/bin/chmod"
maint postinst configure 0.0.9 || fail "postinst configure failed without /etc/sudoers.d/smart"
expect_in "$TMP/calls" "chmod 0440 /etc/sudoers.d/smart"
expect_not_in "$TMP/calls" "visudo"
expect_in "$TMP/calls" "install -d -o smart -g smart -m 0755 /var/lib/smart"
printf '#!/bin/sh\necho "chmod $*" >>"%s"\n' "$TMP/calls" >"$TMP/bin/chmod"

# other postinst actions do nothing
maint postinst abort-upgrade 0.0.9 || fail "postinst abort-upgrade failed"
expect_not_in "$TMP/calls" "adduser"

# remove, then purge (systemd is not PID 1 here, so only the purge part)
maint prerm remove || fail "prerm remove failed"
maint postrm remove || fail "postrm remove failed"
expect_not_in "$TMP/calls" "rm -rf"
maint postrm purge || fail "postrm purge failed"
expect_in "$TMP/calls" "rm -rf /var/lib/smart /var/log/smart /etc/smart/experiments"
expect_in "$TMP/calls" "rmdir /etc/smart"
expect_in "$TMP/calls" "deb-systemd-helper purge smart-run.timer"
expect_not_in "$TMP/calls" "deluser"
