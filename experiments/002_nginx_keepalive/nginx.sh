#!/bin/sh
# The apply/revert/check commands of 002_nginx_keepalive: `keepalive_timeout` in the http context of
# $NGINX_CONF. Usage: nginx.sh apply VALUE | revert | check
# The work is done by smart's nginx-experiment helper (docs/experiments-shipped.md);
# found in $SMART_LIBEXEC_DIR, next to a source checkout, or installed.
set -eu
for dir in "${SMART_LIBEXEC_DIR:-}" "$(dirname -- "$0")/../../packaging" /usr/libexec/smart; do
  if [ -n "$dir" ] && [ -x "$dir/nginx-experiment" ]; then
    case "${1:-}" in
      apply) exec "$dir/nginx-experiment" apply http keepalive_timeout "${2:-}" ;;
      revert) exec "$dir/nginx-experiment" revert http keepalive_timeout ;;
      check) exec "$dir/nginx-experiment" check ;;
      *) echo "nginx.sh: error: usage: nginx.sh apply VALUE | revert | check" >&2; exit 2 ;;
    esac
  fi
done
echo "nginx.sh: error: nginx-experiment not found (set SMART_LIBEXEC_DIR)" >&2
exit 2
