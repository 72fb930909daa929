#!/usr/bin/env bash
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/measure.sh"
# The CI gate on a real nginx, measured as a pipeline would: before, then
# after a redeploy (a reload of the same config). 20 unchanged redeploys:
# at least 19 pass. A build made about 30 % slower (its upstream sleeps 28 ms
# instead of 20 ms; with the proxy's few ms, about 25 ms become 33 ms) fails.

slow_server_start
nginx_start "$TMP/nginx" "
        location = /app { proxy_pass http://127.0.0.1:$SLOW_PORT/sleep/0.020; }
        location = /app-slow { proxy_pass http://127.0.0.1:$SLOW_PORT/sleep/0.028; }"
on_exit "nginx_stop '$TMP/nginx'"

measure() { smart-measure --url "$1" --count 150 --interval 1ms -o "$2" 2>>"$TMP/measure.log"; }

passes=0
for i in $(seq 1 20); do
  measure "$NGINX_URL" "$TMP/before.csv"
  nginx_reload "$TMP/nginx"
  measure "$NGINX_URL" "$TMP/after.csv"
  run smart-decide --no-worse-than 10 --assert 'errors<1%' "$TMP/before.csv" "$TMP/after.csv"
  case $RC in
  0) passes=$((passes + 1)) ;;
  1) cp "$TMP/err" "$TMP/failed-pair-$i.txt" ;;
  *) _show; fail "smart-decide exit $RC" ;;
  esac
done
echo "unchanged nginx: $passes of 20 pairs passed"
[ "$passes" -ge 19 ] || { cat "$TMP"/failed-pair-*.txt >&2; fail "only $passes of 20 unchanged pairs passed"; }

# Through the upstream: about 25 ms before, 33 ms after.
measure "${NGINX_URL}app" "$TMP/app-before.csv"
measure "${NGINX_URL}app-slow" "$TMP/app-after.csv"
expect_exit 1 smart-decide --no-worse-than 10 --assert 'errors<1%' "$TMP/app-before.csv" "$TMP/app-after.csv"
expect_eq "$(cat "$TMP/out")" "fail"
expect_in "$TMP/err" "latency shown slower by more than 10%"
# The same upstream twice passes: the failure is the slowdown, not the proxy.
measure "${NGINX_URL}app" "$TMP/app-again.csv"
expect_exit 0 smart-decide --no-worse-than 10 --assert 'errors<1%' "$TMP/app-before.csv" "$TMP/app-again.csv"
