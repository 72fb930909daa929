#!/usr/bin/env bash
# A real headless Chromium loads the generated page from a loopback server:
# the DOM has the status and the charts, the CSP refuses nothing (nothing
# inline), app.js runs without errors and swaps in a newer page, hostile
# strings stay text. Screenshots at 1280 and 360 px wide (light and dark) are
# kept in build/artifacts/dashboard/ for people to look at.
. "$(dirname "$0")/../lib/common.sh"

chrome=$(command -v chromium || command -v chromium-browser || true)
[ -n "$chrome" ] || skip "chromium is not installed (packaging/install-deps.sh --tests)"
artifacts=$SMART_BUILD_DIR/artifacts/dashboard
mkdir -p "$artifacts"

# render FIXTURE: the fixture's state copied to $TMP/FIXTURE, rendered into $TMP/www/FIXTURE.
render() {
  cp -r "$SMART_SOURCE_DIR/test/fixtures/dashboard/$1" "$TMP/$1"
  printf 'VAR_DIR=%s\nDASH_DIR=%s\nDASH_ASSETS_DIR=%s\n' "$TMP/$1" "$TMP/www/$1" "$SMART_SOURCE_DIR/dashboard" >"$TMP/$1.conf"
  expect_exit 0 smart-dashboard --config "$TMP/$1.conf"
}
for fixture in normal revert_failed failing empty xss; do render "$fixture"; done

port=$(free_port)
python3 -m http.server --bind 127.0.0.1 "$port" -d "$TMP/www" >"$TMP/http.log" 2>&1 &
server=$!
on_exit "kill $server"
base=http://127.0.0.1:$port
wait_for curl -fsS -o /dev/null "$base/normal/index.html"

# chrome OUT_PREFIX ARGS...: runs headless Chromium (bounded), stdout to
# OUT_PREFIX.out, its log (console messages included) to OUT_PREFIX.log.
chrome() {
  local out=$1; shift
  timeout 90 "$chrome" --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
    --user-data-dir="$TMP/chrome-profile" --enable-logging=stderr --v=0 "$@" >"$out.out" 2>"$out.log" \
    || { tail -20 "$out.log" >&2; fail "chromium failed: $*"; }
  if grep -E "Content Security Policy|Uncaught|CONSOLE.*Error" "$out.log" >&2; then
    fail "the page logged a CSP violation or a script error ($*)"
  fi
}

# The DOM after load (scripts ran), checked for the story's elements.
chrome "$TMP/dom" --dump-dom "$base/normal/index.html"
dom=$TMP/dom.out
expect_in "$dom" 'id="status"'
expect_in "$dom" '<span class="badge good" id="outcome">kept</span>'
expect_in "$dom" 'id="variants"'
expect_in "$dom" '<svg class="chart cdf"'
# 3 CDF lines; 2 experiments x (baseline, chosen) trend lines; over time: the
# p50 and the error rate the server ran (1 each), CPU and memory cost
# (baseline and chosen variant, 2 each).
expect_eq "$(grep -o '<polyline class="series s[0-9]' "$dom" | wc -l | tr -d ' ')" "$(( 3 + 2 * 2 + 1 + 1 + 2 + 2 ))" "CDF lines + trend lines"
expect_eq "$(grep -o '<svg class="chart trend"[^>]*aria-label="p50 (ms) per run of ' "$dom" | wc -l | tr -d ' ')" "2" "one trend chart per experiment"
expect_eq "$(grep -o '<svg class="chart trend"' "$dom" | wc -l | tr -d ' ')" "$(( 2 + 4 ))" "trend charts: one per experiment, four over time"
# The fixture's last run is days old by the real clock: stale.
expect_in "$dom" 'id="health" data-status="stale"'
expect_in "$dom" 'class="banner banner-stale"'
expect_in "$dom" 'id="coach"'
expect_eq "$(grep -o '<a href="runs/[0-9TZ]*/summary.json">' "$dom" | wc -l | tr -d ' ')" "17" "history rows + status card link"
# app.js ran: relative times were rewritten from the clock (the fixture is old).
grep -q 'data-rel="">[0-9]* days ago' "$dom" || fail "app.js did not update relative times"

# The run files are served through the runs link.
curl -fsS "$base/normal/runs/20261122T233000Z/summary.json" | jq -e '.kept_variant == "workers_2"' >/dev/null \
  || fail "runs/<id>/summary.json not served"

# Failed revert: the red banner is there and is an alert.
chrome "$TMP/rf" --dump-dom "$base/revert_failed/index.html"
expect_in "$TMP/rf.out" '<div class="banner banner-revert_failed" id="banner" role="alert">'
chrome "$TMP/empty" --dump-dom "$base/empty/index.html"
expect_in "$TMP/empty.out" 'No run yet'

# Hostile strings: still exactly one script (ours), no injected element.
chrome "$TMP/xss" --dump-dom "$base/xss/index.html"
expect_eq "$(grep -o '<script' "$TMP/xss.out" | wc -l | tr -d ' ')" "1" "script elements"
expect_not_in "$TMP/xss.out" '<img'
expect_not_in "$TMP/xss.out" '<b>host'
expect_in "$TMP/xss.out" '&lt;script&gt;alert("x")&lt;/script&gt;'

# app.js refresh: a page whose data is older than health.json swaps in the
# new index.html (virtual time runs the 30 s timer at once).
cp "$TMP/www/normal/index.html" "$TMP/www/revert_failed/old.html"
jq '.generated_at = "2099-01-01T00:00:00Z"' "$TMP/www/revert_failed/health.json" >"$TMP/h.json"
cp "$TMP/h.json" "$TMP/www/revert_failed/health.json"
chrome "$TMP/refresh" --virtual-time-budget=31000 --dump-dom "$base/revert_failed/old.html"
expect_in "$TMP/refresh.out" 'data-run-id="20261122T180000Z"'
expect_in "$TMP/refresh.out" 'banner-revert_failed'

# Screenshots for people: a laptop and a phone, light and dark.
shot() {
  local name=$1 url=$2 size=$3; shift 3
  chrome "$TMP/shot-$name" --screenshot="$artifacts/$name.png" --window-size="$size" "$@" "$url"
  [ -s "$artifacts/$name.png" ] || fail "no screenshot $name"
}
shot normal-1280 "$base/normal/index.html" 1280,800
shot normal-360 "$base/normal/index.html" 360,800
shot normal-1280-dark "$base/normal/index.html" 1280,800 --force-dark-mode
shot normal-360-dark "$base/normal/index.html" 360,800 --force-dark-mode
shot normal-1280-full "$base/normal/index.html" 1280,2400
shot revert_failed-1280 "$base/revert_failed/index.html" 1280,800
shot failing-360 "$base/failing/index.html" 360,800
shot empty-1280 "$base/empty/index.html" 1280,800
echo "screenshots in $artifacts"
