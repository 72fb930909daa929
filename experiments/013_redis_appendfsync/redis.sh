#!/bin/sh
# The apply/revert/check commands of 013_redis_appendfsync: the Redis setting appendfsync
# (CONFIG GET/SET on $REDIS_HOST:$REDIS_PORT). Usage: redis.sh apply VALUE | revert | check
# The work is done by smart's redis-experiment helper (docs/experiments-shipped.md);
# found in $SMART_LIBEXEC_DIR, next to a source checkout, or installed.
set -eu
for dir in "${SMART_LIBEXEC_DIR:-}" "$(dirname -- "$0")/../../packaging" /usr/libexec/smart; do
  if [ -n "$dir" ] && [ -x "$dir/redis-experiment" ]; then
    case "${1:-}" in
      apply) exec "$dir/redis-experiment" apply appendfsync "${2:-}" ;;
      revert) exec "$dir/redis-experiment" revert appendfsync ;;
      check) exec "$dir/redis-experiment" check ;;
      *) echo "redis.sh: error: usage: redis.sh apply VALUE | revert | check" >&2; exit 2 ;;
    esac
  fi
done
echo "redis.sh: error: redis-experiment not found (set SMART_LIBEXEC_DIR)" >&2
exit 2
