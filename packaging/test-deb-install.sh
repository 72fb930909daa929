#!/usr/bin/env bash
# test-deb-install.sh: install the smart .deb on a pristine Debian 12 and
# check that it works, upgrades and purges cleanly (docs/install.md,
# "Verifying the package").
#
#   sudo packaging/test-deb-install.sh [build/smart_VERSION_ARCH.deb]
#
# Needs root, debootstrap, the network (the Debian mirror) and, for step 6,
# systemd-nspawn (systemd-container; skipped without it): it builds a
# minimal bookworm root under /tmp with debootstrap, then in a chroot:
#   1. apt-get install ./smart_*.deb (its dependencies come from Debian);
#   2. the tools run (--version, --help, --list, --dry-run --next with the
#      shipped experiments), the conffiles, the sudoers drop-in (visudo), the
#      smart user and the directories of postinst, the units
#      (systemd-analyze verify), logrotate -d;
#   3. one real smart-run of 002_nginx_keepalive as the smart user against an
#      nginx of ours on 127.0.0.1 (a config written here, nginx started in a
#      network namespace of its own: nothing leaves the loopback), through
#      the sudo rules of the package; the nginx config is restored;
#   4. reinstall of the same .deb and an upgrade (the .deb repacked with a
#      higher version), with an edited smart.conf and a deleted sudoers
#      drop-in: edits survive, the state survives;
#   5. apt-get remove (configuration and state stay), apt-get purge (nothing
#      left but the smart user and group, as documented), then a second
#      install/purge cycle that must leave the root exactly as before it;
#   6. booted (when systemd-nspawn is installed): the same root booted as a
#      container with a private network (loopback only), systemd as PID 1;
#      there the package is installed again, smart-run.service runs
#      `smart-run --next` with the shipped sudo rules, the dashboard is
#      served, the timer is enabled, a run past TimeoutStartSec reverts, a
#      remove in the middle of another run stops it and the run reverts,
#      and purge forgets the timer; then a second boot is powered off in
#      the middle of a run (the run reverts before nginx stops).
# It takes a minute or more and needs the network, so it is not in ctest.
#
# Environment:
#   SMART_DEB_MIRROR     Debian mirror (default http://deb.debian.org/debian)
#   SMART_DEB_BASE_TAR   a tarball of the debootstrapped root: used when it
#                        exists, written when it does not (saves the minute
#                        of debootstrap when iterating)
#   SMART_DEB_KEEP=1     keep the root afterwards (its path is printed)
#
# Exit: 0 every check passed, 1 a check failed (each prints "FAIL: ..."),
# 2 cannot run here (not root, no debootstrap, no .deb).
set -uo pipefail
export LC_ALL=C

me=test-deb-install
die() { echo "$me: error: $*" >&2; exit 2; }
here=$(cd "$(dirname -- "$0")" && pwd)
mirror=${SMART_DEB_MIRROR:-http://deb.debian.org/debian}
suite=bookworm

[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot, mounts)"
for cmd in debootstrap chroot unshare mount umount mountpoint timeout dpkg-deb; do
  command -v "$cmd" >/dev/null || die "$cmd is not installed (apt-get install debootstrap util-linux coreutils)"
done
deb=${1:-}
if [ -z "$deb" ]; then
  set -- "$here"/../build/smart_*.deb
  { [ $# -eq 1 ] && [ -f "$1" ]; } || die "no single build/smart_*.deb; build it (cmake --build build --target package) or name it"
  deb=$1
fi
[ -f "$deb" ] || die "$deb: no such file"
deb=$(cd "$(dirname -- "$deb")" && pwd)/$(basename -- "$deb")
version=$(dpkg-deb -f "$deb" Version) || die "$deb: not a Debian package"
[ "$(dpkg-deb -f "$deb" Package)" = smart ] || die "$deb: not the smart package"

work=$(mktemp -d /tmp/smart-deb-test.XXXXXX) || die "mktemp failed"
R=$work/root
mounts=()
started=$(date +%s)

# the chroot's /proc, /dev and /dev/pts (not while the container runs)
mount_root() {
  mount -t proc proc "$R/proc" || die "cannot mount /proc in $R"
  mounts+=("$R/proc")
  mount --bind /dev "$R/dev" || die "cannot bind /dev into $R"
  mounts+=("$R/dev")
  mount --bind /dev/pts "$R/dev/pts" || die "cannot bind /dev/pts into $R"
  mounts+=("$R/dev/pts")
}
umount_root() {
  local i m
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
    m=${mounts[i]}
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
  done
  mounts=()
}
cleanup() {
  local rc=$?
  # our nginx (started in the chroot, in its own network namespace), by pid
  if [ -s "$R/run/smart-test-nginx.pid" ]; then
    kill -TERM "$(cat "$R/run/smart-test-nginx.pid")" 2>/dev/null || true
  fi
  umount_root
  if grep -qF " $R/" /proc/mounts || grep -qF " $R " /proc/mounts; then
    echo "$me: something is still mounted under $R; not deleting it" >&2
  elif [ "${SMART_DEB_KEEP:-0}" = 1 ]; then
    echo "$me: kept $R"
  else
    rm -rf --one-file-system "$work"
  fi
  echo "$me: $(($(date +%s) - started)) s"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fails=0
ok() { echo "ok - $*"; }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
step() { echo; echo "== $* ($(($(date +%s) - started)) s)"; }
# in_root CMD...: run in the chroot with a clean environment
in_root() {
  chroot "$R" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/root LC_ALL=C DEBIAN_FRONTEND=noninteractive "$@"
}
# check WHAT CMD...: CMD (in the chroot) must succeed; its output on failure
check() {
  local what=$1 out
  shift
  if out=$(in_root "$@" 2>&1); then ok "$what"; else fail "$what: $* -> $out"; fi
}
# check_out WHAT EXPECTED CMD...: CMD succeeds and prints exactly EXPECTED
check_out() {
  local what=$1 want=$2 out
  shift 2
  out=$(in_root "$@" 2>&1)
  if [ "$out" = "$want" ]; then ok "$what"; else fail "$what: $* printed '$out', expected '$want'"; fi
}
# check_has WHAT PATTERN CMD...: CMD succeeds and its output has PATTERN (grep -E)
check_has() {
  local what=$1 pat=$2 out
  shift 2
  if out=$(in_root "$@" 2>&1) && grep -qE -- "$pat" <<<"$out"; then ok "$what"
  else fail "$what: $* does not print /$pat/: $out"; fi
}
apt() { timeout 600 chroot "$R" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C \
  DEBIAN_FRONTEND=noninteractive apt-get -q -y -o Dpkg::Use-Pty=0 "$@"; }
# the state of the files a package could leave behind: path, type, mode, owner
snapshot() {
  in_root find / -xdev \( -path /proc -o -path /dev -o -path /sys -o -path /tmp -o -path /run \
    -o -path /var/cache -o -path /var/log -o -path /var/lib/apt -o -path /var/lib/dpkg \
    -o -path /root \) -prune -o -printf '%p %y %m %u:%g\n' | sort
}

step "a pristine Debian 12 ($suite) root in $R"
mkdir -p "$R"
if [ -n "${SMART_DEB_BASE_TAR:-}" ] && [ -f "$SMART_DEB_BASE_TAR" ]; then
  tar -C "$R" -xf "$SMART_DEB_BASE_TAR" || die "$SMART_DEB_BASE_TAR: cannot unpack"
  echo "from $SMART_DEB_BASE_TAR"
else
  # minbase plus what a standard Debian 12 server has and the checks use
  timeout 1200 debootstrap --variant=minbase --include=systemd,logrotate,man-db \
    "$suite" "$R" "$mirror" >"$work/debootstrap.log" 2>&1 ||
    { tail -20 "$work/debootstrap.log"; die "debootstrap failed (network? mirror $mirror)"; }
  if [ -n "${SMART_DEB_BASE_TAR:-}" ]; then tar -C "$R" -cf "$SMART_DEB_BASE_TAR" .; fi
fi
mount_root
cp /etc/resolv.conf "$R/etc/resolv.conf"
# sudo resolves the host name (the chroot shares the machine's)
echo "127.0.0.1 localhost $(hostname)" >"$R/etc/hosts"
# no service starts in the chroot (nginx's postinst would bind port 80)
printf '#!/bin/sh\nexit 101\n' >"$R/usr/sbin/policy-rc.d"
chmod 0755 "$R/usr/sbin/policy-rc.d"
cat >"$R/etc/apt/sources.list" <<EOF
deb $mirror $suite main
deb $mirror $suite-updates main
deb http://deb.debian.org/debian-security $suite-security main
EOF
apt update >"$work/apt-update.log" 2>&1 || { cat "$work/apt-update.log"; die "apt-get update failed"; }
cp "$deb" "$R/tmp/smart.deb"
# the same package with a higher version, for the upgrade
in_root sh -c 'rm -rf /tmp/up && dpkg-deb -R /tmp/smart.deb /tmp/up &&
  sed -i "s/^Version: .*/&+upgradetest1/" /tmp/up/DEBIAN/control &&
  dpkg-deb -b /tmp/up /tmp/smart-upgrade.deb >/dev/null && rm -rf /tmp/up' ||
  die "cannot repack $deb with a higher version"
users_before=$(in_root sh -c 'cat /etc/passwd /etc/group' | sort)

step "install $(basename "$deb") with apt (dependencies from Debian)"
t0=$(date +%s)
if apt install /tmp/smart.deb >"$work/install.log" 2>&1; then
  ok "apt-get install ./$(basename "$deb") ($(($(date +%s) - t0)) s, $(grep -c '^Setting up' "$work/install.log") packages set up)"
else
  cat "$work/install.log"
  fail "apt-get install ./$(basename "$deb") failed"
  exit 1
fi
grep -E '^(Setting up smart|smart: |dpkg: )|[Ww]arning' "$work/install.log" | grep -v '^debconf' || true
check_has "dpkg says installed" '^install ok installed' dpkg-query -W -f='${Status}\n' smart

step "the tools"
for tool in smart-run smart-measure smart-decide smart-dashboard smart-phone; do
  check_out "$tool --version" "$tool ${version%%[-+~]*}" "$tool" --version
  check_has "$tool --help" '^Usage: ' "$tool" --help
  check "man $tool" man -w "$tool"
done
check "nginx-experiment and nginx-directive are executable" \
  test -x /usr/libexec/smart/nginx-experiment -a -x /usr/libexec/smart/nginx-directive
check_has "smart-run --list with no experiments" '^EXPERIMENT ' smart-run --list
check "the shipped experiments, copied as docs/install.md says" \
  sh -c 'cp -r /usr/share/smart/experiments/001_nginx_workers /usr/share/smart/experiments/002_nginx_keepalive /etc/smart/experiments/'
check_has "smart-run --list shows 001_nginx_workers" '^001_nginx_workers +yes ' smart-run --list
check_has "smart-run --list shows 002_nginx_keepalive" '^002_nginx_keepalive +yes ' smart-run --list
check_has "smart-run --dry-run --next (as smart)" 'nothing was executed' runuser -u smart -- smart-run --dry-run --next
check_has "smart-run --show-config reads /etc/smart/smart.conf" 'NGINX_CONF.*/etc/nginx/nginx.conf' smart-run --show-config

step "files, user, permissions"
check_out "conffiles" "/etc/logrotate.d/smart
/etc/smart/smart.conf
/etc/sudoers.d/smart" sh -c "dpkg-query -W -f='\${Conffiles}\n' smart | awk 'NF { print \$1 }' | sort"
check_out "/etc/sudoers.d/smart is root:root 0440" "440 root:root" stat -c '%a %U:%G' /etc/sudoers.d/smart
check "visudo -cf /etc/sudoers.d/smart" visudo -cf /etc/sudoers.d/smart
check_has "the smart user may run nginx -t -q through sudo" 'NOPASSWD: /usr/sbin/nginx -t -q, /usr/sbin/nginx -s reload, /usr/libexec/smart/nginx-directive$' \
  runuser -u smart -- sudo -n -l
check_has "smart is a system user with no login" '^smart:x:[0-9]{1,3}:[0-9]+:[^:]*:/var/lib/smart:/usr/sbin/nologin$' getent passwd smart
check_has "smart's primary group is smart" '^smart$' id -gn smart
check_out "/var/lib/smart" "755 smart:smart" stat -c '%a %U:%G' /var/lib/smart
check_out "/etc/smart" "755 root:root" stat -c '%a %U:%G' /etc/smart
check_out "/etc/smart/experiments" "755 root:root" stat -c '%a %U:%G' /etc/smart/experiments
check_out "/var/log/smart" "755 root:adm" stat -c '%a %U:%G' /var/log/smart
check_out "node_exporter's textfile directory (TEXTFILE_DIR)" "755 root:root" \
  stat -c '%a %U:%G' /var/lib/prometheus/node-exporter
check_has "the smart user may write smart.prom there (ACL)" '^user:smart:rwx$' getfacl -p /var/lib/prometheus/node-exporter
check "smart.prom written there as smart" runuser -u smart -- touch /var/lib/prometheus/node-exporter/smart.prom
check_out "/etc/smart/smart.conf" "644 root:root" stat -c '%a %U:%G' /etc/smart/smart.conf
check "systemd-analyze verify smart-run.service smart-run.timer" \
  sh -c 'out=$(systemd-analyze verify /lib/systemd/system/smart-run.service /lib/systemd/system/smart-run.timer 2>&1) && [ -z "$out" ] || { echo "$out"; exit 1; }'
check_out "the timer is not enabled by installing" "disabled" systemctl is-enabled smart-run.timer
check "deb-systemd-helper knows the timer (so purge can clean up)" \
  test -e /var/lib/systemd/deb-systemd-helper-enabled/smart-run.timer.dsh-also
check "logrotate -d /etc/logrotate.d/smart" logrotate -d /etc/logrotate.d/smart

step "a real run: 002_nginx_keepalive as the smart user against our nginx on 127.0.0.1"
# our own nginx config in place of Debian's (which listens on *:80); the
# package's sudo rules test it, edit it (nginx-directive) and reload nginx.
port=8089
cp "$R/etc/nginx/nginx.conf" "$work/nginx.conf.debian"
cat >"$R/etc/nginx/nginx.conf" <<EOF
# smart test-deb-install: loopback only
user www-data;
worker_processes 1;
pid /run/smart-test-nginx.pid;
error_log /var/log/nginx/error.log warn;
events { worker_connections 256; }
http {
    access_log off;
    keepalive_timeout 0;
    server {
        listen 127.0.0.1:$port;
        location = / { return 200 "ok\n"; }
    }
}
EOF
cp "$R/etc/nginx/nginx.conf" "$work/nginx.conf.ours"
sed -i "s#\"target_url\": *\"[^\"]*\"#\"target_url\": \"http://127.0.0.1:$port/\"#" \
  "$R/etc/smart/experiments/002_nginx_keepalive/meta.json"
cat >"$R/tmp/real-run.sh" <<'EOF'
ip link set lo up 2>/dev/null || true
nginx -t -q || exit 90
nginx || exit 91
trap 'nginx -s quit' EXIT
runuser -u smart -- smart-run --variant-seconds 4s --block-seconds 1s --warmup-seconds 0 --timeout-seconds 30s 002_nginx_keepalive
EOF
t0=$(date +%s)
# a network namespace of its own: nginx and smart-measure see only a loopback
timeout 300 unshare --net chroot "$R" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C \
  sh /tmp/real-run.sh >"$work/real-run.log" 2>&1
rc=$?
# nginx -s quit returns before the master is gone: wait for it (bounded)
for _ in $(seq 1 50); do [ -s "$R/run/smart-test-nginx.pid" ] || break; sleep 0.1; done
if [ $rc -eq 0 ]; then
  ok "smart-run 002_nginx_keepalive exit 0 ($(($(date +%s) - t0)) s)"
else
  cat "$work/real-run.log"
  fail "smart-run 002_nginx_keepalive exited $rc"
fi
grep -E '^(run |   decision)' "$work/real-run.log" || true
run_dir=$(ls -d "$R"/var/lib/smart/var/runs/*/ 2>/dev/null | head -1)
if [ -n "$run_dir" ] && [ -f "$run_dir/summary.json" ]; then
  ok "summary.json in ${run_dir#"$R"}"
  status=$(sed -n 's/^  "status": "\([a-z_]*\)".*/\1/p' "$run_dir/summary.json")
  case $status in
  reverted)
    if cmp -s "$R/etc/nginx/nginx.conf" "$work/nginx.conf.ours"; then ok "reverted: nginx.conf is back byte for byte"
    else fail "reverted, but nginx.conf differs: $(diff "$work/nginx.conf.ours" "$R/etc/nginx/nginx.conf")"; fi ;;
  kept)
    if grep -q 'keepalive_timeout 65;' "$R/etc/nginx/nginx.conf"; then ok "kept: nginx.conf has keepalive_timeout 65"
    else fail "kept, but nginx.conf lacks keepalive_timeout 65"; fi ;;
  *) fail "run status '$status' (expected kept or reverted)" ;;
  esac
  check_out "nginx.conf stays root:root 0644" "644 root:root" stat -c '%a %U:%G' /etc/nginx/nginx.conf
else
  fail "no run directory with a summary.json under /var/lib/smart/var/runs"
fi
check "the dashboard was rendered" test -s /var/lib/smart/www/index.html
# by hand as root (not the smart user): refused, nothing written (in a
# network namespace of its own and bounded, in case it is not refused)
if out=$(timeout 120 unshare --net chroot "$R" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C \
  smart-run --variant-seconds 2s 002_nginx_keepalive 2>&1); then rc=0; else rc=$?; fi
if [ $rc -eq 2 ]; then ok "smart-run as root refuses the smart user's state (exit 2)"
else fail "smart-run as root exited $rc (expected 2): $out"; fi
check_out "everything under /var/lib/smart belongs to smart" "" \
  find /var/lib/smart \( ! -user smart -o ! -group smart \) -print
cp "$work/nginx.conf.debian" "$R/etc/nginx/nginx.conf"

step "reinstall and upgrade, with local changes"
echo "# local edit by test-deb-install" >>"$R/etc/smart/smart.conf"
runs_before=$(ls "$R/var/lib/smart/var/runs" | wc -l)
if apt install --reinstall /tmp/smart.deb >"$work/reinstall.log" 2>&1; then ok "apt-get install --reinstall (same .deb)"
else cat "$work/reinstall.log"; fail "apt-get install --reinstall failed"; fi
check_has "the edit of smart.conf survives the reinstall" 'local edit by test-deb-install' cat /etc/smart/smart.conf
# an administrator may delete a conffile to disable it: it stays deleted
rm -f "$R/etc/sudoers.d/smart"
if apt install /tmp/smart-upgrade.deb >"$work/upgrade.log" 2>&1; then ok "upgrade to $version+upgradetest1 (sudoers drop-in deleted)"
else cat "$work/upgrade.log"; fail "upgrade with /etc/sudoers.d/smart deleted failed"; fi
check_out "dpkg has the new version" "install ok installed $version+upgradetest1" \
  dpkg-query -W -f='${Status} ${Version}\n' smart
check_has "the edit of smart.conf survives the upgrade" 'local edit by test-deb-install' cat /etc/smart/smart.conf
check "the deleted sudoers drop-in stays deleted" test ! -e /etc/sudoers.d/smart
check_out "the runs survive" "$runs_before" sh -c 'ls /var/lib/smart/var/runs | wc -l'
check_out "/var/lib/smart after the upgrade" "755 smart:smart" stat -c '%a %U:%G' /var/lib/smart
check_out "still one smart user" "1" sh -c 'grep -c "^smart:" /etc/passwd'
# and back to the shipped version (a downgrade is an upgrade for dpkg)
if apt install --allow-downgrades /tmp/smart.deb >"$work/downgrade.log" 2>&1; then ok "back to $version"
else cat "$work/downgrade.log"; fail "downgrade to $version failed"; fi

step "remove, then purge"
if apt remove smart >"$work/remove.log" 2>&1; then ok "apt-get remove smart"
else cat "$work/remove.log"; fail "apt-get remove smart failed"; fi
check "the tools are gone" test ! -e /usr/bin/smart-run -a ! -e /usr/libexec/smart -a ! -e /lib/systemd/system/smart-run.service
check "remove keeps smart.conf" test -f /etc/smart/smart.conf
check "remove keeps the state" test -d /var/lib/smart/var/runs
check_has "dpkg says config-files" '^deinstall ok config-files' dpkg-query -W -f='${Status}\n' smart
if apt purge smart >"$work/purge.log" 2>&1; then ok "apt-get purge smart"
else cat "$work/purge.log"; fail "apt-get purge smart failed"; fi
# dpkg removes the package's directories before postrm purge deletes the
# experiments, so it notes that /etc/smart was not empty then; any other
# warning is a defect
if grep -E '^dpkg: warning' "$work/purge.log" | grep -vF "directory '/etc/smart' not empty so not removed"; then
  fail "purge warned"
fi
check_purged() {
  local p
  for p in /etc/smart /etc/sudoers.d/smart /etc/logrotate.d/smart /var/lib/smart /var/log/smart \
    /usr/share/smart /usr/share/doc/smart /usr/libexec/smart \
    /var/lib/systemd/deb-systemd-helper-enabled/smart-run.timer.dsh-also \
    /etc/systemd/system/timers.target.wants/smart-run.timer; do
    check "purged: $p" test ! -e "$p" -a ! -L "$p"
  done
  check_out "purged: dpkg knows no smart" "" sh -c 'dpkg-query -W -f="\${Status}\n" smart 2>/dev/null; ls /var/lib/dpkg/info | grep "^smart\." || true'
  check_out "purged: no file owned by the smart user or group" "" \
    find / -xdev \( -path /proc -o -path /dev \) -prune -o \( -user smart -o -group smart \) -print
}
check_purged
users_after=$(in_root sh -c 'cat /etc/passwd /etc/group' | sort)
if [ "$(diff <(echo "$users_before") <(echo "$users_after") | grep '^[<>]' | cut -d: -f1 | sort -u)" = "> smart" ]; then
  ok "only the smart user and group are left (documented: Debian keeps system users)"
else
  fail "users/groups changed otherwise: $(diff <(echo "$users_before") <(echo "$users_after"))"
fi

step "a second cycle from the purged state: install, purge, nothing left"
before=$(snapshot)
if apt install /tmp/smart.deb >"$work/install2.log" 2>&1; then ok "install after purge"
else cat "$work/install2.log"; fail "install after purge failed"; fi
check_out "install after purge: /var/lib/smart" "755 smart:smart" stat -c '%a %U:%G' /var/lib/smart
check_out "install after purge: still one smart user" "1" sh -c 'grep -c "^smart:" /etc/passwd'
check "install after purge: smart-run --list" smart-run --list
if apt purge smart >"$work/purge2.log" 2>&1; then ok "purge again"
else cat "$work/purge2.log"; fail "second purge failed"; fi
after=$(snapshot)
if [ "$before" = "$after" ]; then ok "the root is as before the install (every path, type, mode, owner)"
else fail "the second purge left changes: $(diff <(echo "$before") <(echo "$after"))"; fi

step "booted: the package under systemd as PID 1 (systemd-nspawn, private network)"
# The maintainer scripts' systemd calls and the unit itself only run on a
# booted system: boot the same root as a container with no network but its
# loopback, and let a unit of ours install, run, enable, remove and purge.
if ! command -v systemd-nspawn >/dev/null; then
  echo "SKIP: systemd-nspawn is not installed (apt-get install systemd-container)"
else
  umount_root
  # a real system now: services may start (the network is private)
  rm -f "$R/usr/sbin/policy-rc.d"
  # nginx.service starts our loopback config at boot (Debian's pid file)
  # (and conf.d, as Debian's does, for the dashboard's server block)
  sed -e 's#^pid .*#pid /run/nginx.pid;#' -e 's/^# smart test-deb-install.*/&, booted/' \
    -e 's#^    access_log off;#&\n    include /etc/nginx/conf.d/*.conf;#' \
    "$work/nginx.conf.ours" >"$R/etc/nginx/nginx.conf"
  cp "$R/etc/nginx/nginx.conf" "$R/root/nginx.conf.ours"
  cp "$deb" "$R/root/smart.deb"   # the container's /tmp is a fresh tmpfs
  # short phases for the timer's run: an administrator's drop-in, as
  # docs/install.md describes (environment beats smart.conf)
  mkdir -p "$R/etc/systemd/system/smart-run.service.d"
  printf '[Service]\nEnvironment=EXPERIMENT_SECONDS=4 COOLDOWN_SECONDS=0\n' \
    >"$R/etc/systemd/system/smart-run.service.d/zz-test.conf"
  cat >"$R/root/booted.sh" <<EOF
#!/bin/sh
# test-deb-install, booted phase: results go to /root/booted.out
export LC_ALL=C DEBIAN_FRONTEND=noninteractive
port=$port
EOF
  cat >>"$R/root/booted.sh" <<'EOF'
out=/root/booted.out
: >$out
ok() { echo "ok - booted: $*" >>$out; }
fail() { echo "FAIL: booted: $*" >>$out; }
chk() { w=$1; shift; if o=$("$@" 2>&1); then ok "$w"; else fail "$w: $* -> $o"; fi; }
is() { w=$1; want=$2; shift 2; o=$("$@" 2>&1); if [ "$o" = "$want" ]; then ok "$w"; else fail "$w: $* printed '$o', expected '$want'"; fi; }
apt() { apt-get -q -y -o Dpkg::Use-Pty=0 "$@" >>/root/booted-apt.log 2>&1; }

is "systemd is PID 1" systemd cat /proc/1/comm
is "nginx.service runs our loopback config" active systemctl is-active nginx.service
chk "apt-get install ./smart.deb (no network: the dependencies are there)" apt install /root/smart.deb
is "smart-run.service is loaded (postinst's daemon-reload)" loaded systemctl show -p LoadState --value smart-run.service
is "the timer is not enabled by installing" disabled systemctl is-enabled smart-run.timer
is "the timer is not started by installing" inactive systemctl is-active smart-run.timer
cp -r /usr/share/smart/experiments/001_nginx_workers /usr/share/smart/experiments/002_nginx_keepalive /etc/smart/experiments/
sed -i -e "s#\"target_url\": *\"[^\"]*\"#\"target_url\": \"http://127.0.0.1:$port/\"#" \
  -e 's#"measure_interval_sec": *[0-9.]*#"measure_interval_sec": 0.2#' /etc/smart/experiments/*/meta.json
chk "no coach token in /etc/credstore (LoadCredential= must not need it)" test ! -e /etc/credstore/coach_token

# what the timer does: the packaged unit, User=smart, the shipped sudo rules
# (nginx -t, nginx -s reload, nginx-directive), the hardening
start=$(date +%s)
if systemctl start smart-run.service; then ok "systemctl start smart-run.service ($(($(date +%s) - start)) s)"
else fail "systemctl start smart-run.service: $(systemctl status --no-pager smart-run.service 2>&1 | tail -20)"; fi
is "smart-run.service Result" success systemctl show -p Result --value smart-run.service
is "smart-run.service exit status" 0 systemctl show -p ExecMainStatus --value smart-run.service
run=$(ls /var/lib/smart/var/runs 2>/dev/null | sort | tail -1)
if [ -n "$run" ] && [ -f "/var/lib/smart/var/runs/$run/summary.json" ]; then
  s=/var/lib/smart/var/runs/$run/summary.json
  chk "--next chose 001_nginx_workers" grep -q '"experiment": "001_nginx_workers"' "$s"
  status=$(sed -n 's/^  "status": "\([a-z_]*\)".*/\1/p' "$s")
  case $status in
  reverted) chk "reverted: nginx.conf back byte for byte" cmp /etc/nginx/nginx.conf /root/nginx.conf.ours ;;
  kept) chk "kept: nginx.conf has the kept worker_processes" grep -q '^worker_processes [a-z0-9]*;' /etc/nginx/nginx.conf ;;
  *) fail "run status '$status' (expected kept or reverted)" ;;
  esac
  chk "the journal has each variant's revert" sh -c "journalctl -u smart-run.service --no-pager | grep -q 'smart-run.*: revert workers_auto'"
  chk "sudo ran nginx-directive, nginx -t and nginx -s reload for smart" sh -c \
    "j=\$(journalctl --no-pager _COMM=sudo); for c in '/usr/libexec/smart/nginx-directive set /etc/nginx/nginx.conf main worker_processes' '/usr/sbin/nginx -t -q' '/usr/sbin/nginx -s reload'; do echo \"\$j\" | grep -qF \"smart : PWD=/etc/smart/experiments/001_nginx_workers ; USER=root ; COMMAND=\$c\" || { echo \"no sudo \$c\"; exit 1; }; done"
  echo "booted run: $(grep -m1 '"reason"' "$s")" >>$out
else
  fail "no run with a summary.json: $(journalctl -u smart-run.service --no-pager | tail -30)"
fi
is "nginx.conf stays root:root 0644" "644 root:root" stat -c '%a %U:%G' /etc/nginx/nginx.conf
is "nginx still runs after the reloads" active systemctl is-active nginx.service
chk "nginx still answers" smart-measure --url "http://127.0.0.1:$port/" --count 3 -o /dev/null
chk "the run is in the journal" sh -c "journalctl -u smart-run.service --no-pager | grep -q 'run $run'"

# the dashboard, served as docs/install.md says (127.0.0.1:8080)
http_code() { smart-measure --url "$1" --count 1 2>/dev/null | awk -F, 'NR == 2 { print $3 }'; }
chk "enable the dashboard's server block" sh -c 'ln -s /usr/share/smart/nginx/smart-dashboard.conf /etc/nginx/conf.d/smart-dashboard.conf && nginx -t -q && systemctl reload nginx'
is "the dashboard serves health.json" 200 http_code http://127.0.0.1:8080/health.json
is "the dashboard serves the run's summary.json (/runs link)" 200 http_code "http://127.0.0.1:8080/runs/$run/summary.json"

chk "systemctl enable --now smart-run.timer" systemctl enable --now smart-run.timer
is "the timer is active" active systemctl is-active smart-run.timer
chk "the timer has a next elapse" sh -c 'systemctl list-timers --no-legend smart-run.timer | grep -q smart-run'

# runs that are stopped while a variant is applied: 10 s blocks, so the
# stop comes while the variant is in place. wait_applied: pending.json is
# there and nginx.conf differs (bounded: 30 s)
printf '[Service]\nEnvironment=EXPERIMENT_SECONDS=40 COOLDOWN_SECONDS=0\n' \
  >/etc/systemd/system/smart-run.service.d/zz-test.conf
wait_applied() {
  i=0
  while [ $i -lt 300 ]; do
    if [ -e /var/lib/smart/var/pending.json ] && ! cmp -s /etc/nginx/nginx.conf /root/nginx.conf.ours; then
      echo yes
      return
    fi
    sleep 0.1
    i=$((i + 1))
  done
  echo no
}
last_status() {
  r=$(ls /var/lib/smart/var/runs 2>/dev/null | sort | tail -1)
  [ -n "$r" ] && [ "$r" != "$1" ] && sed -n 's/^  "status": "\([a-z_]*\)".*/\1/p' "/var/lib/smart/var/runs/$r/summary.json"
}
# the start timeout: systemd sends SIGTERM, smart-run reverts, the unit fails
printf 'TimeoutStartSec=15s\n' >>/etc/systemd/system/smart-run.service.d/zz-test.conf
systemctl daemon-reload
start=$(date +%s)
systemctl start smart-run.service
i=0 # until the unit has settled (the revert runs after the timeout; bounded)
while [ $i -lt 600 ] && systemctl is-active smart-run.service | grep -qE 'activating|deactivating'; do
  sleep 0.1
  i=$((i + 1))
done
is "a run past TimeoutStartSec: Result=timeout" timeout systemctl show -p Result --value smart-run.service
is "a run past TimeoutStartSec: the unit failed" failed systemctl is-active smart-run.service
chk "a run past TimeoutStartSec: nginx.conf back byte for byte ($(($(date +%s) - start)) s)" cmp /etc/nginx/nginx.conf /root/nginx.conf.ours
chk "a run past TimeoutStartSec: nothing pending" test ! -e /var/lib/smart/var/pending.json
is "a run past TimeoutStartSec: recorded as aborted" aborted last_status "$run"
run=$(ls /var/lib/smart/var/runs | sort | tail -1)
systemctl reset-failed smart-run.service
# removing the package in the middle of a run: prerm stops the service,
# smart-run gets SIGTERM, reverts and exits 143 (success for the unit)
printf '[Service]\nEnvironment=EXPERIMENT_SECONDS=40 COOLDOWN_SECONDS=0\n' \
  >/etc/systemd/system/smart-run.service.d/zz-test.conf
systemctl daemon-reload
systemctl start --no-block smart-run.service
is "another run applied its variant" yes wait_applied
chk "apt-get remove smart, during that run" apt remove smart
is "remove during a run: the service stopped cleanly" inactive systemctl is-active smart-run.service
chk "remove during a run: nginx.conf back byte for byte" cmp /etc/nginx/nginx.conf /root/nginx.conf.ours
chk "remove during a run: nothing pending" test ! -e /var/lib/smart/var/pending.json
is "remove during a run: recorded as aborted" aborted last_status "$run"
is "remove stopped the timer" inactive systemctl is-active smart-run.timer
is "remove: the unit is gone" not-found systemctl show -p LoadState --value smart-run.timer
chk "remove: no dangling link to the dashboard's server block" test ! -L /etc/nginx/conf.d/smart-dashboard.conf
chk "remove: nginx -t still passes and nginx reloads" sh -c 'nginx -t -q && systemctl reload nginx'
chk "apt-get purge smart" apt purge smart
chk "purge removed the timer's enablement" test ! -e /etc/systemd/system/timers.target.wants/smart-run.timer -a ! -L /etc/systemd/system/timers.target.wants/smart-run.timer
chk "purge removed /etc/smart and /var/lib/smart" test ! -e /etc/smart -a ! -e /var/lib/smart
is "no smart unit is left" "" sh -c 'systemctl list-unit-files --no-legend "smart-run*"'
echo done >>$out
EOF
  cat >"$R/etc/systemd/system/smart-deb-test.service" <<'EOF'
[Unit]
Description=test-deb-install booted phase
After=multi-user.target nginx.service
[Service]
Type=oneshot
ExecStart=/bin/sh /root/booted.sh
ExecStopPost=/bin/systemctl --no-block poweroff
TimeoutStartSec=240
[Install]
WantedBy=multi-user.target
EOF
  ln -sf /etc/systemd/system/smart-deb-test.service "$R/etc/systemd/system/multi-user.target.wants/smart-deb-test.service"
  t0=$(date +%s)
  timeout 300 systemd-nspawn -q --private-network --register=no --keep-unit \
    -M "smart-deb-test-$$" -D "$R" --boot </dev/null >"$work/booted.log" 2>&1
  rc=$?
  if [ -f "$R/root/booted.out" ] && grep -qx 'done' "$R/root/booted.out"; then
    ok "booted and powered off ($(($(date +%s) - t0)) s)"
    grep -v -x 'done' "$R/root/booted.out"
    fails=$((fails + $(grep -c '^FAIL' "$R/root/booted.out")))
  else
    tail -30 "$work/booted.log"
    cat "$R/root/booted.out" 2>/dev/null
    fail "the booted phase did not finish (systemd-nspawn exit $rc)"
  fi

  step "booted: shutdown in the middle of a run"
  # smart-run.service is ordered after nginx.service, so at shutdown it is
  # stopped first: smart-run reverts while nginx still runs
  cat >"$R/root/booted.sh" <<EOF
#!/bin/sh
export LC_ALL=C DEBIAN_FRONTEND=noninteractive
port=$port
EOF
  cat >>"$R/root/booted.sh" <<'EOF'
out=/root/booted2.out
: >$out
apt-get -q -y -o Dpkg::Use-Pty=0 install /root/smart.deb >>/root/booted-apt.log 2>&1 || echo "FAIL: shutdown: apt-get install" >>$out
cp -r /usr/share/smart/experiments/002_nginx_keepalive /etc/smart/experiments/
sed -i -e "s#\"target_url\": *\"[^\"]*\"#\"target_url\": \"http://127.0.0.1:$port/\"#" \
  -e 's#"measure_interval_sec": *[0-9.]*#"measure_interval_sec": 0.2#' /etc/smart/experiments/*/meta.json
printf '[Service]\nEnvironment=EXPERIMENT_SECONDS=40 COOLDOWN_SECONDS=0\n' \
  >/etc/systemd/system/smart-run.service.d/zz-test.conf
systemctl daemon-reload
systemctl start --no-block smart-run.service
i=0
while [ $i -lt 300 ]; do # until the variant is applied (bounded: 30 s)
  if [ -e /var/lib/smart/var/pending.json ] && ! cmp -s /etc/nginx/nginx.conf /root/nginx.conf.ours; then
    echo applied >>$out
    break
  fi
  sleep 0.1
  i=$((i + 1))
done
EOF
  rm -f "$R/root/booted2.out"
  t0=$(date +%s)
  timeout 300 systemd-nspawn -q --private-network --register=no --keep-unit \
    -M "smart-deb-test-$$" -D "$R" --boot </dev/null >"$work/booted2.log" 2>&1
  rc=$?
  if grep -qx 'applied' "$R/root/booted2.out" 2>/dev/null; then
    ok "booted, a run applied its variant, powered off ($(($(date +%s) - t0)) s)"
    if grep '^FAIL' "$R/root/booted2.out"; then fails=$((fails + 1)); fi
    if cmp -s "$R/etc/nginx/nginx.conf" "$R/root/nginx.conf.ours"; then ok "shutdown during a run: nginx.conf back byte for byte"
    else fail "shutdown during a run: nginx.conf differs: $(diff "$R/root/nginx.conf.ours" "$R/etc/nginx/nginx.conf")"; fi
    if [ ! -e "$R/var/lib/smart/var/pending.json" ]; then ok "shutdown during a run: nothing pending"
    else fail "shutdown during a run: pending.json is left: $(cat "$R/var/lib/smart/var/pending.json")"; fi
    last=$(find "$R/var/lib/smart/var/runs" -mindepth 1 -maxdepth 1 -type d | sort | tail -1)
    if grep -q '"status": "aborted"' "$last/summary.json" 2>/dev/null; then ok "shutdown during a run: recorded as aborted"
    else fail "shutdown during a run: ${last#"$R"}/summary.json does not say aborted: $(grep -m1 '"status"' "$last/summary.json" 2>&1)"; fi
    if [ ! -e "$R/var/lib/smart/var/revert_failed.json" ]; then ok "shutdown during a run: no revert_failed.json"
    else fail "shutdown during a run: revert_failed.json: $(cat "$R/var/lib/smart/var/revert_failed.json")"; fi
  else
    tail -30 "$work/booted2.log"
    cat "$R/root/booted2.out" 2>/dev/null
    fail "shutdown during a run: the run never applied its variant (systemd-nspawn exit $rc)"
  fi
fi

echo
if [ $fails -gt 0 ]; then
  echo "$me: $fails check(s) FAILED (SMART_DEB_KEEP=1 keeps the root and the logs)"
  exit 1
fi
echo "$me: every check passed ($(basename "$deb"), $(($(date +%s) - started)) s)"
