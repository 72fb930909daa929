#!/bin/sh
# The apply/revert/check commands of the PHP-FPM experiments: one setting of
# the pool file $PHPFPM_POOL_CONF. Usage: phpfpm.sh NAME apply VALUE |
# NAME revert | check
# The work is done by smart's phpfpm-experiment helper
# (docs/experiments-shipped.md); found in $SMART_LIBEXEC_DIR, next to a
# source checkout, or installed.
set -eu
for dir in "${SMART_LIBEXEC_DIR:-}" "$(dirname -- "$0")/../../packaging" /usr/libexec/smart; do
  if [ -n "$dir" ] && [ -x "$dir/phpfpm-experiment" ]; then
    case "${2:-}" in
      apply) exec "$dir/phpfpm-experiment" apply "$1" "${3:-}" ;;
      revert) exec "$dir/phpfpm-experiment" revert "$1" ;;
      *) [ "${1:-}" = check ] && exec "$dir/phpfpm-experiment" check
         echo "phpfpm.sh: error: usage: phpfpm.sh NAME apply VALUE | NAME revert | check" >&2; exit 2 ;;
    esac
  fi
done
echo "phpfpm.sh: error: phpfpm-experiment not found (set SMART_LIBEXEC_DIR)" >&2
exit 2
