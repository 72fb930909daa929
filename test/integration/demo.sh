#!/usr/bin/env bash
# The README's demo (packaging/demo.sh, without its install and build steps:
# CI has just done both): a throwaway https nginx, smart-run on
# 002_nginx_keepalive, a keep, the dashboard rendered, its path printed, and
# the demo's nginx stopped afterwards.
. "$(dirname "$0")/../lib/common.sh"
command -v openssl >/dev/null || skip "openssl is not installed"
[ -x "$SMART_BUILD_DIR/tools/smart-run" ] || skip "smart-run is not built"

expect_exit 0 env SMART_DEMO_NO_BUILD=1 SMART_DEMO_DIR="$TMP/demo" SMART_DEMO_SECONDS=6 \
  bash "$SMART_SOURCE_DIR/packaging/demo.sh"
expect_in "$TMP/out" "verdict:   keep"
expect_in "$TMP/out" "dashboard: $TMP/demo/state/www/index.html"
[ -s "$TMP/demo/state/www/index.html" ] || fail "no dashboard at the printed path"
expect_in "$TMP/demo/state/www/index.html" "002_nginx_keepalive"
run_dir=$(sed -n 's/^run dir: *//p' "$TMP/out")
[ -f "$run_dir/summary.json" ] || fail "no summary.json in the printed run dir '$run_dir'"
# the demo's nginx is gone: its pid no longer runs
pid=$(cat "$TMP/demo/nginx/nginx.pid" 2>/dev/null || true)
if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then fail "the demo left its nginx running (pid $pid)"; fi
