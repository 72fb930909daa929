#!/bin/sh
# The apply/revert/check commands of the PostgreSQL experiments: one setting
# (ALTER SYSTEM on the server libpq's PGHOST/PGPORT name). Usage:
# postgres.sh NAME apply VALUE | NAME revert | check
# The work is done by smart's postgres-experiment helper
# (docs/experiments-shipped.md); found in $SMART_LIBEXEC_DIR, next to a
# source checkout, or installed.
set -eu
for dir in "${SMART_LIBEXEC_DIR:-}" "$(dirname -- "$0")/../../packaging" /usr/libexec/smart; do
  if [ -n "$dir" ] && [ -x "$dir/postgres-experiment" ]; then
    case "${2:-}" in
      apply) exec "$dir/postgres-experiment" apply "$1" "${3:-}" ;;
      revert) exec "$dir/postgres-experiment" revert "$1" ;;
      *) [ "${1:-}" = check ] && exec "$dir/postgres-experiment" check
         echo "postgres.sh: error: usage: postgres.sh NAME apply VALUE | NAME revert | check" >&2; exit 2 ;;
    esac
  fi
done
echo "postgres.sh: error: postgres-experiment not found (set SMART_LIBEXEC_DIR)" >&2
exit 2
