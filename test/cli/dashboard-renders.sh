#!/usr/bin/env bash
# smart-dashboard renders DASH_DIR from a state directory: every file, the
# assets, the runs link; never writes into the state; a second run is stable.
. "$(dirname "$0")/../lib/common.sh"

cp -r "$SMART_SOURCE_DIR/test/fixtures/dashboard/normal" "$TMP/var"
cat >"$TMP/smart.conf" <<CONF
BASE_DIR=$TMP
DASH_ASSETS_DIR=$SMART_SOURCE_DIR/dashboard
CONF
before=$(cd "$TMP/var" && find . -type f -exec sha256sum {} + | sort)

expect_exit 0 smart-dashboard --config "$TMP/smart.conf"
www=$TMP/www
for f in index.html health.json metrics.prom history.json state.json app.js style.css; do
  [ -s "$www/$f" ] || fail "$www/$f missing or empty"
done
[ -L "$www/runs" ] || fail "$www/runs is not a symbolic link"
expect_eq "$(readlink "$www/runs")" "$TMP/var/runs"
[ -f "$www/runs/20261122T233000Z/summary.json" ] || fail "run files not reachable through the link"

jq -e '.status == "stale" and .last_run_at == "2026-11-22T23:40:09Z" and .consecutive_failures == 0' \
  "$www/health.json" >/dev/null || fail "health.json: $(cat "$www/health.json")"
jq -e 'length == 16 and .[15].run_id == "20261122T233000Z"' "$www/history.json" >/dev/null \
  || fail "history.json is not the 16 runs"
jq -e '.run_id == "20261122T233000Z" and .kept_variant == "workers_2"' "$www/state.json" >/dev/null \
  || fail "state.json is not the state"
cmp -s "$www/app.js" "$SMART_SOURCE_DIR/dashboard/app.js" || fail "app.js not copied"
expect_in "$www/index.html" 'id="status"'
expect_in "$www/index.html" 'workers_2'
expect_in "$www/metrics.prom" 'smart_health{status="stale"} 1'
# Nothing but our files: no temporary file left behind.
expect_eq "$(ls -A "$www" | tr '\n' ' ')" "app.js health.json history.json index.html metrics.prom runs state.json style.css "

# The state directory is read, never written.
after=$(cd "$TMP/var" && find . -type f -exec sha256sum {} + | sort)
expect_eq "$after" "$before" "state directory changed"

# Again: same files, the runs link still right, assets not rewritten.
touch -d '2020-01-01' "$www/style.css"
expect_exit 0 smart-dashboard --config "$TMP/smart.conf"
expect_eq "$(stat -c %Y "$www/style.css")" "$(date -d 2020-01-01 +%s)" "unchanged asset rewritten"
expect_eq "$(readlink "$www/runs")" "$TMP/var/runs"

# RUNS_DIR moved: the link follows, replaced atomically.
mv "$TMP/var/runs" "$TMP/runs2"
printf 'RUNS_DIR=%s\n' "$TMP/runs2" >>"$TMP/smart.conf"
expect_exit 0 smart-dashboard --config "$TMP/smart.conf"
expect_eq "$(readlink "$www/runs")" "$TMP/runs2"
