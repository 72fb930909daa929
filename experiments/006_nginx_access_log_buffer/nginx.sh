#!/bin/sh
# The apply/revert/check commands of 006_nginx_access_log_buffer: the
# access_log of the http context of $NGINX_CONF, with its path and format kept
# and buffer=SIZE flush=TIME set. Usage: nginx.sh buffer SIZE TIME | revert | check
# The work is done by smart's nginx-experiment helper (docs/experiments-shipped.md);
# found in $SMART_LIBEXEC_DIR, next to a source checkout, or installed.
set -eu
conf=${NGINX_CONF:-/etc/nginx/nginx.conf}
for dir in "${SMART_LIBEXEC_DIR:-}" "$(dirname -- "$0")/../../packaging" /usr/libexec/smart; do
  if [ -n "$dir" ] && [ -x "$dir/nginx-experiment" ]; then
    case "${1:-}" in
      buffer)
        [ $# -eq 3 ] || { echo "nginx.sh: error: usage: nginx.sh buffer SIZE TIME" >&2; exit 2; }
        # the value before the run, when this run stored it; else the one there now
        stored=${SMART_RUN_DIR:-/nonexistent}/nginx.access_log.orig
        if [ -f "$stored" ]; then
          read -r record <"$stored"
          current=${record#present }
          [ "$record" != absent ] || current=""
        else
          current=$("$dir/nginx-directive" get "$conf" http access_log 2>/dev/null) || current=""
        fi
        case "$current" in
          "" | off | "off "*)
            echo "nginx.sh: error: $conf: no access_log in the http block (or it is off): nothing to buffer" >&2
            exit 2 ;;
        esac
        core=""
        for w in $current; do
          case "$w" in buffer=* | flush=*) ;; *) core="$core $w" ;; esac
        done
        core=${core# }
        # buffer= needs the format named; combined is nginx's default
        case "$core" in *" "*) ;; *) core="$core combined" ;; esac
        exec "$dir/nginx-experiment" apply http access_log "$core buffer=$2 flush=$3" ;;
      revert) exec "$dir/nginx-experiment" revert http access_log ;;
      check) exec "$dir/nginx-experiment" check ;;
      *) echo "nginx.sh: error: usage: nginx.sh buffer SIZE TIME | revert | check" >&2; exit 2 ;;
    esac
  fi
done
echo "nginx.sh: error: nginx-experiment not found (set SMART_LIBEXEC_DIR)" >&2
exit 2
