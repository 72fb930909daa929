#!/usr/bin/env bash
# packaging/cloud-init.yaml passes Debian's `cloud-init schema`, grants no
# passwordless sudo, keeps the dashboard on loopback, its apt-repository
# variant passes too, and the validator really looks (a wrong type is refused).
. "$(dirname "$0")/../lib/common.sh"
command -v cloud-init >/dev/null || fail "cloud-init is not installed (packaging/install-deps.sh --tests)"
f=$SMART_SOURCE_DIR/packaging/cloud-init.yaml
expect_exit 0 cloud-init schema --config-file "$f"
expect_not_in "$f" "NOPASSWD"
expect_in "$f" "listen 127.0.0.1:8080;"
expect_in "$f" "ssh_pwauth: false"
expect_in "$f" "PasswordAuthentication no"
# the apt-repository variant (docs/fleet.md): valid too, the package from
# apt and no download of a .deb
sed -e '/# URL$/d' -e 's/^#APT //' "$f" >"$TMP/apt.yaml"
expect_exit 0 cloud-init schema --config-file "$TMP/apt.yaml"
expect_in "$TMP/apt.yaml" "  - smart"
expect_in "$TMP/apt.yaml" "signed-by=\$KEY_FILE"
expect_not_in "$TMP/apt.yaml" "smart.deb"
! grep -n '^#APT' "$TMP/apt.yaml" || fail "a line of the apt variant is still commented out"
cmp -s "$TMP/apt.yaml" "$f" && fail "the apt variant is the URL variant"
sed 's/^ssh_pwauth: false/ssh_pwauth: [1, 2]/' "$f" >"$TMP/bad.yaml"
run cloud-init schema --config-file "$TMP/bad.yaml"
[ "$RC" -ne 0 ] || { _show; fail "cloud-init schema accepted a wrong type"; }
