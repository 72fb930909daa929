#!/usr/bin/env bash
# icmp://HOST measures one echo round trip per probe, in a network namespace
# of the test's own (unshare -n; the host's sysctls are never touched):
# 127.0.0.1 (and ::1) answers through a raw socket (CAP_NET_RAW, ping sockets not
# allowed) and through an unprivileged ping socket (net.ipv4.ping_group_range
# allows the group, CAP_NET_RAW dropped); with echo replies switched off
# every probe is a timeout (a raw socket on loopback also sees its own
# request, which must not count as the reply); when neither socket is
# allowed smart-measure stops at the start naming the sysctl and the
# capability, exit 2, nothing written.
. "$(dirname "$0")/../lib/common.sh"
[ "$(id -u)" -eq 0 ] || skip "needs root for a network namespace"
command -v setpriv >/dev/null || fail "setpriv is missing (util-linux)"
if [ -z "${SMART_IN_NETNS:-}" ]; then
  set +e
  unshare -n env SMART_IN_NETNS="$(readlink /proc/self/ns/net)" TMPDIR="$TMP" bash "$0" "$@"
  exit $?
fi
[ "$(readlink /proc/self/ns/net)" != "$SMART_IN_NETNS" ] || fail "not in a network namespace of its own"
ip link set lo up
no_raw=(setpriv --inh-caps=-all --ambient-caps=-all --bounding-set=-net_raw)
rows() { tail -n +2 "$1" | cut -d, -f3,4 | sort | uniq -c | sed 's/^ *//'; }

# a raw socket: ping sockets are allowed to no group
sysctl -qw net.ipv4.ping_group_range="1 0"
expect_exit 0 smart-measure --url icmp://127.0.0.1 --count 3 --interval 10ms -o "$TMP/raw.csv"
expect_eq "$(rows "$TMP/raw.csv")" "3 200,"
expect_eq "$(tail -n +2 "$TMP/raw.csv" | awk -F, '$2 > 0' | wc -l)" 3 "rows with a latency"
if [ -s /proc/net/if_inet6 ]; then # ICMPv6 to ::1, where IPv6 is on
  expect_exit 0 smart-measure --url 'icmp://[::1]' --count 2 --interval 10ms
  expect_eq "$(rows "$TMP/out")" "2 200,"
fi

# neither: no group allowed, no CAP_NET_RAW
expect_exit 2 "${no_raw[@]}" smart-measure --url icmp://127.0.0.1 --count 1 -o "$TMP/none.csv"
expect_in "$TMP/err" "net.ipv4.ping_group_range"
expect_in "$TMP/err" "CAP_NET_RAW"
[ ! -e "$TMP/none.csv" ] || fail "smart-measure wrote $TMP/none.csv although it could not probe"

# a ping socket: the group allowed, still no CAP_NET_RAW
sysctl -qw net.ipv4.ping_group_range="0 0"
expect_exit 0 "${no_raw[@]}" smart-measure --url icmp://localhost --count 3 --interval 10ms -o "$TMP/ping.csv"
expect_eq "$(rows "$TMP/ping.csv")" "3 200,"
if [ -s /proc/net/if_inet6 ]; then
  expect_exit 0 "${no_raw[@]}" smart-measure --url 'icmp://[::1]' --count 2 --interval 10ms
  expect_eq "$(rows "$TMP/out")" "2 200,"
fi

# no echo replies: timeouts, on both kinds of socket
sysctl -qw net.ipv4.icmp_echo_ignore_all=1
expect_exit 0 "${no_raw[@]}" smart-measure --url icmp://127.0.0.1 --count 2 --interval 10ms --timeout 200ms
expect_eq "$(rows "$TMP/out")" "2 0,timeout"
sysctl -qw net.ipv4.ping_group_range="1 0"
expect_exit 0 smart-measure --url icmp://127.0.0.1 --count 2 --interval 10ms --timeout 200ms
expect_eq "$(rows "$TMP/out")" "2 0,timeout"
sysctl -qw net.ipv4.icmp_echo_ignore_all=0

# bad input
expect_exit 2 smart-measure --url icmp://127.0.0.1:7 --count 1
expect_in "$TMP/err" "icmp:// takes no port"
expect_exit 2 smart-measure --url icmp://no-such-host.invalid --count 1 -o "$TMP/bad.csv"
expect_in "$TMP/err" "cannot resolve 'no-such-host.invalid'"
[ ! -e "$TMP/bad.csv" ] || fail "an unresolvable host wrote $TMP/bad.csv"
