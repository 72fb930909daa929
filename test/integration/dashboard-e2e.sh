#!/usr/bin/env bash
# End to end: a real smart-run against a loopback nginx calls smart-dashboard
# after the run; DASH_DIR then tells that run's story from the real files
# (summary, decisions, CSVs). A second run shows up in history and trends.
# With chromium installed, a screenshot of the real page is kept in
# build/artifacts/dashboard/e2e-1280.png.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/experiment.sh"
exp_need_smart_run

mkdir -p "$TMP/nginx"
exp_start_nginx

# An experiment of our own whose variants change nothing: the data must say so.
mkdir -p "$TMP/exp/900_dashboard_e2e"
cat >"$TMP/exp/900_dashboard_e2e/meta.json" <<JSON
{"id": "900_dashboard_e2e",
 "description": "dashboard end to end: <b>no-op</b> variants & \"quotes\"",
 "variants": [{"name": "baseline", "apply": "true"},
              {"name": "noop_a", "apply": "true"},
              {"name": "noop_b", "apply": "true"}],
 "revert": "true",
 "target_url": "$NGINX_URL",
 "measure_interval_sec": 0.02}
JSON
cat >"$TMP/smart.conf" <<CONF
BASE_DIR=$TMP/base
EXPERIMENTS_DIR=$TMP/exp
SMART_BIN_DIR=$SMART_BUILD_DIR/tools
DASH_ASSETS_DIR=$SMART_SOURCE_DIR/dashboard
CONF

expect_exit 0 smart-run --config "$TMP/smart.conf" --json --variant-seconds 2s --block-seconds 0.5s \
  --warmup-seconds 0.1s 900_dashboard_e2e
run_id=$(jq -r .run_id "$TMP/out")
status=$(jq -r .status "$TMP/out")
www=$TMP/base/www
[ -s "$www/index.html" ] || fail "smart-run did not render the dashboard ($www/index.html missing)"

# The page is this run's.
expect_in "$www/index.html" "data-run-id=\"$run_id\""
expect_in "$www/index.html" "<h2 id=\"status-title\">900_dashboard_e2e</h2>"
expect_in "$www/index.html" "dashboard end to end: &lt;b&gt;no-op&lt;/b&gt; variants &amp; &quot;quotes&quot;"
expect_in "$www/index.html" "id=\"outcome\">$status</span>"
for v in noop_a noop_b; do expect_in "$www/index.html" "</span>$v</th>"; done
# The latency CDF from the run's real CSVs: baseline + two variants.
cdf=$(sed -n '/<svg class="chart cdf"/,/<\/svg>/p' "$www/index.html" | grep -c '<polyline class="series' || true)
expect_eq "$cdf" "3" "CDF curves"
# Decisions' confidence from the real decision files.
expect_in "$www/index.html" '% CI '

jq -e --arg id "$run_id" '.status == "ok" and .last_run_id == $id and .consecutive_failures == 0' \
  "$www/health.json" >/dev/null || fail "health.json: $(cat "$www/health.json")"
expect_eq "$(jq length "$www/history.json")" "1" "history.json runs"
expect_eq "$(jq -r .run_id "$www/state.json")" "$run_id" "state.json copy"
grep -q '^smart_runs_total{status="'"$status"'"} 1$' "$www/metrics.prom" || fail "metrics.prom: $(grep runs_total "$www/metrics.prom")"
grep -q '^smart_experiment_p50_seconds{experiment="900_dashboard_e2e",role="baseline"} ' "$www/metrics.prom" \
  || fail "no baseline p50 in metrics.prom"
[ -f "$www/runs/$run_id/summary.json" ] || fail "run files not linked"

# Second run: two runs in history, one trend chart with both.
expect_exit 0 smart-run --config "$TMP/smart.conf" --json --variant-seconds 1s --block-seconds 0.5s \
  --warmup-seconds 0.1s 900_dashboard_e2e
run2=$(jq -r .run_id "$TMP/out")
[ "$run2" != "$run_id" ] || fail "same run id twice"
expect_in "$www/index.html" "data-run-id=\"$run2\""
expect_eq "$(jq length "$www/history.json")" "2" "history.json runs"
expect_in "$www/index.html" '900_dashboard_e2e <span class="muted">2 runs</span>'

# --text agrees.
expect_exit 0 smart-dashboard --config "$TMP/smart.conf" --text
expect_in "$TMP/out" "$run2"
expect_in "$TMP/out" "history     2 runs"

chrome=$(command -v chromium || true)
if [ -n "$chrome" ]; then
  port=$(free_port)
  python3 -m http.server --bind 127.0.0.1 "$port" -d "$www" >"$TMP/http.log" 2>&1 &
  server=$!
  on_exit "kill $server"
  wait_for curl -fsS -o /dev/null "http://127.0.0.1:$port/index.html"
  mkdir -p "$SMART_BUILD_DIR/artifacts/dashboard"
  timeout 90 "$chrome" --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
    --user-data-dir="$TMP/chrome-profile" --window-size=1280,800 \
    --screenshot="$SMART_BUILD_DIR/artifacts/dashboard/e2e-1280.png" "http://127.0.0.1:$port/" >/dev/null 2>&1 \
    || fail "chromium could not screenshot the real page"
fi
