#!/usr/bin/env bash
# The .deb built by CPack from this build has the layout of
# docs/formats.md ("Installed layout"): tools, man pages (gzipped), experiments, helpers,
# units, /etc files as conffiles, a valid 0440 sudoers drop-in, maintainer
# scripts; and it unpacks (dpkg -x) into a tree whose helpers work.
. "$(dirname "$0")/../lib/common.sh"
command -v cpack >/dev/null || skip "cpack is not installed"
command -v dpkg-deb >/dev/null || skip "dpkg-deb is not installed"
[ -f "$SMART_BUILD_DIR/CPackConfig.cmake" ] || skip "no CPackConfig.cmake in $SMART_BUILD_DIR"

(cd "$SMART_BUILD_DIR" && cpack -G DEB -B "$TMP/pkg") >"$TMP/cpack.log" 2>&1 || { cat "$TMP/cpack.log" >&2; fail "cpack failed"; }
debs=("$TMP"/pkg/smart_*.deb)
[ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ] || fail "expected one smart_*.deb in $TMP/pkg: ${debs[*]}"
deb=${debs[0]}

expect_exit 0 dpkg-deb -f "$deb" Package Version Depends Section
expect_in "$TMP/out" "Package: smart"
expect_in "$TMP/out" "Depends: adduser, sudo, acl"
# the postgres:// probe links libpq: its package comes with smart's (shlibdeps)
expect_in "$TMP/out" "libpq5"
expect_in "$TMP/out" "Section: admin"
dpkg-deb -c "$deb" | awk '{ print $1, $NF }' | sed 's|^\(\S*\) \./|\1 /|' >"$TMP/contents"
has() { grep -qE "^$1 $2\$" "$TMP/contents" || fail "package lacks $2 (mode $1): $(cat "$TMP/contents")"; }

has '-rw-r--r--' /etc/smart/smart.conf
has '-r--r-----' /etc/sudoers.d/smart
has '-rw-r--r--' /etc/logrotate.d/smart
has '-rw-r--r--' /lib/systemd/system/smart-run.service
has '-rw-r--r--' /lib/systemd/system/smart-run.timer
has '-rwxr-xr-x' /usr/libexec/smart/nginx-directive
has '-rwxr-xr-x' /usr/libexec/smart/nginx-experiment
has '-rwxr-xr-x' /usr/libexec/smart/sysctl-setting
has '-rwxr-xr-x' /usr/libexec/smart/sysctl-experiment
has '-rwxr-xr-x' /usr/libexec/smart/redis-experiment
has '-rwxr-xr-x' /usr/libexec/smart/postgres-experiment
has '-rwxr-xr-x' /usr/libexec/smart/phpfpm-experiment
has '-rw-r--r--' /usr/share/doc/smart/copyright
has '-rw-r--r--' /usr/share/doc/smart/changelog.gz
for exp in "$SMART_SOURCE_DIR"/experiments/*/; do
  id=$(basename "$exp")
  has '-rw-r--r--' "/usr/share/smart/experiments/$id/meta.json"
  for script in "$exp"*.sh; do
    has '-rwxr-xr-x' "/usr/share/smart/experiments/$id/$(basename "$script")"
  done
done
if [ -f "$SMART_SOURCE_DIR/packaging/nginx-smart-dashboard.conf" ]; then
  has '-rw-r--r--' /usr/share/smart/nginx/smart-dashboard.conf
fi
if grep -q '^-.* /etc/nginx/' "$TMP/contents"; then fail "the package enables something in nginx by itself"; fi
# the dashboard's assets, whatever they are
while IFS= read -r -d '' f; do
  has '-[-rwx]*' "/usr/share/smart/dashboard/${f#"$SMART_SOURCE_DIR"/dashboard/}"
done < <(find "$SMART_SOURCE_DIR/dashboard" -type f -print0 2>/dev/null)
# every tool this build made, and every man page, gzipped
for tool in "$SMART_BUILD_DIR"/tools/smart-*; do
  [ -x "$tool" ] && [ -f "$tool" ] || continue
  has '-rwxr-xr-x' "/usr/bin/$(basename "$tool")"
done
for page in "$SMART_SOURCE_DIR"/docs/man/*.1; do
  [ -f "$page" ] || continue
  has '-rw-r--r--' "/usr/share/man/man1/$(basename "$page").gz"
done
# nothing from the build or the machine leaks in
if grep -E '/(usr/local|work|tmp|home|root)/' "$TMP/contents"; then fail "unexpected paths in the package"; fi

# control: conffiles and maintainer scripts
mkdir "$TMP/control"
dpkg-deb -e "$deb" "$TMP/control"
expect_eq "$(sort "$TMP/control/conffiles" | tr '\n' ' ')" \
  "/etc/logrotate.d/smart /etc/smart/smart.conf /etc/sudoers.d/smart " "conffiles"
for script in postinst prerm postrm; do
  [ -x "$TMP/control/$script" ] || fail "$script missing or not executable"
  sh -n "$TMP/control/$script" || fail "$script: syntax error"
done
expect_in "$TMP/control/postinst" "adduser --system"
expect_in "$TMP/control/postinst" "/var/lib/smart"

# unpacked: the sudoers file is valid, the helpers run from their place
dpkg-deb -x "$deb" "$TMP/root"
if command -v visudo >/dev/null; then
  expect_exit 0 visudo -cf "$TMP/root/etc/sudoers.d/smart"
fi
for exp in "$TMP"/root/usr/share/smart/experiments/*/; do
  jq -e '.id and .variants and .revert and .check' "$exp/meta.json" >/dev/null || fail "$exp/meta.json incomplete"
done
printf 'worker_processes 1;\n' >"$TMP/nginx.conf"
expect_exit 0 "$TMP/root/usr/libexec/smart/nginx-directive" set "$TMP/nginx.conf" main worker_processes 2
expect_eq "$(cat "$TMP/nginx.conf")" "worker_processes 2;"
expect_exit 0 gzip -t "$TMP/root/usr/share/doc/smart/changelog.gz"

# lintian, when installed: no errors (warnings and notes are printed)
if command -v lintian >/dev/null; then
  lintian --allow-root -I "$deb" >"$TMP/lintian" 2>&1 || true
  cat "$TMP/lintian"
  if grep -q '^E: ' "$TMP/lintian"; then fail "lintian reports errors"; fi
fi
