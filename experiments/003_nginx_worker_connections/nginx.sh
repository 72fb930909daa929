#!/bin/sh
# The apply/revert/check commands of 003_nginx_worker_connections: worker_connections in the events
# context of $NGINX_CONF. Usage: nginx.sh apply NAME VALUE [NAME VALUE]... | revert | check
# The work is done by smart's nginx-experiment helper (docs/experiments-shipped.md);
# found in $SMART_LIBEXEC_DIR, next to a source checkout, or installed.
set -eu
names="worker_connections"
if [ "${1:-}" = apply ]; then
  [ $# -ge 3 ] || { echo "nginx.sh: error: usage: nginx.sh apply NAME VALUE [NAME VALUE]..." >&2; exit 2; }
  i=0
  for arg in "$@"; do
    if [ $i -gt 0 ] && [ $((i % 2)) -eq 1 ]; then
      case " $names " in *" $arg "*) ;; *) echo "nginx.sh: error: $arg: this experiment only changes $names" >&2; exit 2 ;; esac
    fi
    i=$((i + 1))
  done
fi
for dir in "${SMART_LIBEXEC_DIR:-}" "$(dirname -- "$0")/../../packaging" /usr/libexec/smart; do
  if [ -n "$dir" ] && [ -x "$dir/nginx-experiment" ]; then
    case "${1:-}" in
      apply) shift; exec "$dir/nginx-experiment" apply events "$@" ;;
      # shellcheck disable=SC2086 # the names are words
      revert) exec "$dir/nginx-experiment" revert events $names ;;
      check) exec "$dir/nginx-experiment" check ;;
      *) echo "nginx.sh: error: usage: nginx.sh apply NAME VALUE [NAME VALUE]... | revert | check" >&2; exit 2 ;;
    esac
  fi
done
echo "nginx.sh: error: nginx-experiment not found (set SMART_LIBEXEC_DIR)" >&2
exit 2
