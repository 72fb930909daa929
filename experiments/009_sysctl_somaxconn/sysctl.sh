#!/bin/sh
# The apply/revert/check commands of 009_sysctl_somaxconn: the kernel setting net.core.somaxconn.
# Usage: sysctl.sh apply VALUE | revert | check
# The work is done by smart's sysctl-experiment helper (docs/experiments-shipped.md);
# found in $SMART_LIBEXEC_DIR, next to a source checkout, or installed.
set -eu
for dir in "${SMART_LIBEXEC_DIR:-}" "$(dirname -- "$0")/../../packaging" /usr/libexec/smart; do
  if [ -n "$dir" ] && [ -x "$dir/sysctl-experiment" ]; then
    case "${1:-}" in
      apply) exec "$dir/sysctl-experiment" apply net.core.somaxconn "${2:-}" ;;
      revert) exec "$dir/sysctl-experiment" revert net.core.somaxconn ;;
      check) exec "$dir/sysctl-experiment" check net.core.somaxconn ;;
      *) echo "sysctl.sh: error: usage: sysctl.sh apply VALUE | revert | check" >&2; exit 2 ;;
    esac
  fi
done
echo "sysctl.sh: error: sysctl-experiment not found (set SMART_LIBEXEC_DIR)" >&2
exit 2
