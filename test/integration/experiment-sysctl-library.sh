#!/usr/bin/env bash
# The kernel experiments 009-011 in a network namespace of their own
# (unshare -n; the host's settings are never touched): every variant the
# kernel allows applies and reads back; revert restores the exact value
# before the run, also when a second variant ran in between; a value out
# of range or a setting off the allowlist changes nothing; a congestion
# control the namespace does not allow fails to apply with a clear error.
. "$(dirname "$0")/../lib/common.sh"
[ "$(id -u)" -eq 0 ] || skip "needs root for a network namespace"
command -v jq >/dev/null || skip "jq is not installed"
if [ -z "${SMART_IN_NETNS:-}" ]; then
  set +e
  unshare -n env SMART_IN_NETNS="$(readlink /proc/self/ns/net)" TMPDIR="$TMP" bash "$0" "$@"
  exit $?
fi
S=$SMART_SOURCE_DIR/packaging/sysctl-setting
[ "$(readlink /proc/self/ns/net)" != "$SMART_IN_NETNS" ] || fail "not in a network namespace of its own"
export SMART_LIBEXEC_DIR=$SMART_SOURCE_DIR/packaging

# start values that differ from the variants
"$S" set net.core.somaxconn 512
"$S" set net.ipv4.tcp_fastopen 1
allowed=$(cat /proc/sys/net/ipv4/tcp_allowed_congestion_control)
start_cc=reno
"$S" set net.ipv4.tcp_congestion_control "$start_cc"

# variants ID NAME: applies every variant, then reverts once; the value is
# the one before the run
variants() {
  local id=$1 name=$2 before n i value
  before=$("$S" get "$name")
  export SMART_RUN_DIR=$TMP/run/$id
  mkdir -p "$SMART_RUN_DIR"
  cd "$SMART_SOURCE_DIR/experiments/$id"
  expect_exit 0 sh sysctl.sh check
  n=$(jq '.variants | length' meta.json)
  for ((i = 1; i < n; i++)); do
    value=$(jq -r ".variants[$i].apply[3]" meta.json)
    if [ "$name" = net.ipv4.tcp_congestion_control ] && ! grep -qw "$value" <<<"$allowed"; then
      local was
      was=$("$S" get "$name")
      expect_exit 1 sh sysctl.sh apply "$value"
      expect_in "$TMP/err" "the kernel refused $value"
      expect_eq "$("$S" get "$name")" "$was" "$name after a refused $value"
      continue
    fi
    expect_exit 0 sh sysctl.sh apply "$value"
    expect_eq "$("$S" get "$name")" "$value" "$name after applying"
  done
  expect_eq "$(cat "$SMART_RUN_DIR/sysctl.$name.orig")" "$before" "stored value"
  expect_exit 0 sh sysctl.sh revert
  expect_eq "$("$S" get "$name")" "$before" "$name after revert"
  cd "$TMP"
}
variants 009_sysctl_somaxconn net.core.somaxconn
variants 010_sysctl_tcp_fastopen net.ipv4.tcp_fastopen
variants 011_sysctl_congestion net.ipv4.tcp_congestion_control
expect_eq "$("$S" get net.ipv4.tcp_congestion_control)" "$start_cc"

# the allowlist and ranges hold, also for root
expect_exit 2 "$S" set net.core.somaxconn 99
expect_in "$TMP/err" "must be 128-65535"
expect_exit 2 "$S" set net.ipv4.ip_forward 1
expect_in "$TMP/err" "not one of the settings"
expect_exit 2 "$S" set kernel.core_pattern '|/tmp/x'
expect_exit 2 "$S" set net.ipv4.tcp_congestion_control no_such_cc
expect_in "$TMP/err" "not available in this kernel"
expect_eq "$("$S" get net.core.somaxconn)" 512 "unchanged after refusals"
