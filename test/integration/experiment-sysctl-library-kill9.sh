#!/usr/bin/env bash
# The kernel experiments 009-011 under smart-run in a network namespace of
# their own (unshare -n, with its own loopback and nginx), killed with
# SIGKILL while a variant is applied: the next run finds pending.json and
# restores the value from before the first run.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/experiment.sh"
[ "$(id -u)" -eq 0 ] || skip "needs root for a network namespace"
exp_need_smart_run
if [ -z "${SMART_IN_NETNS:-}" ]; then
  set +e
  unshare -n env SMART_IN_NETNS="$(readlink /proc/self/ns/net)" TMPDIR="$TMP" bash "$0" "$@"
  exit $?
fi
[ "$(readlink /proc/self/ns/net)" != "$SMART_IN_NETNS" ] || fail "not in a network namespace of its own"
ip link set lo up
exp_start_nginx
S=$SMART_SOURCE_DIR/packaging/sysctl-setting
"$S" set net.core.somaxconn 512
"$S" set net.ipv4.tcp_fastopen 1
"$S" set net.ipv4.tcp_congestion_control reno

run_one() {
  local id=$1
  name=$2
  before=$("$S" get "$name")
  exp=$TMP/exp/$id
  exp_copy_for_test "$SMART_SOURCE_DIR/experiments/$id" "$exp" "$NGINX_URL" "$TMP/smart.conf"
  # variants the namespace's kernel refuses (a congestion control outside
  # tcp_allowed_congestion_control) would fail the recovering run: left out
  jq --arg allowed " $(cat /proc/sys/net/ipv4/tcp_allowed_congestion_control) " '.measure_interval_sec = 0.05
    | .variants |= map(. as $v | select($v.name == "baseline" or $id != "011_sysctl_congestion"
                              or ($allowed | contains(" " + $v.apply[3] + " "))))' --arg id "$id" \
    "$exp/meta.json" >"$exp/m" && mv "$exp/m" "$exp/meta.json"
  exp_kill9_recovery "$id" "$TMP/smart.conf" changed same
  rm -rf "$TMP/exp"
}
changed() { [ "$("$S" get "$name")" != "$before" ]; }
same() { [ "$("$S" get "$name")" = "$before" ]; }
run_one 009_sysctl_somaxconn net.core.somaxconn
run_one 010_sysctl_tcp_fastopen net.ipv4.tcp_fastopen
run_one 011_sysctl_congestion net.ipv4.tcp_congestion_control
