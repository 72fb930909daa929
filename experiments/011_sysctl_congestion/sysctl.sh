#!/bin/sh
# The apply/revert/check commands of 011_sysctl_congestion: the kernel setting net.ipv4.tcp_congestion_control.
# Usage: sysctl.sh apply VALUE | revert | check
# The work is done by smart's sysctl-experiment helper (docs/experiments-shipped.md);
# found in $SMART_LIBEXEC_DIR, next to a source checkout, or installed.
set -eu
for dir in "${SMART_LIBEXEC_DIR:-}" "$(dirname -- "$0")/../../packaging" /usr/libexec/smart; do
  if [ -n "$dir" ] && [ -x "$dir/sysctl-experiment" ]; then
    case "${1:-}" in
      apply) exec "$dir/sysctl-experiment" apply net.ipv4.tcp_congestion_control "${2:-}" ;;
      revert) exec "$dir/sysctl-experiment" revert net.ipv4.tcp_congestion_control ;;
      check) exec "$dir/sysctl-experiment" check net.ipv4.tcp_congestion_control ;;
      *) echo "sysctl.sh: error: usage: sysctl.sh apply VALUE | revert | check" >&2; exit 2 ;;
    esac
  fi
done
echo "sysctl.sh: error: sysctl-experiment not found (set SMART_LIBEXEC_DIR)" >&2
exit 2
