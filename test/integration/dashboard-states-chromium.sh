#!/usr/bin/env bash
# Every state as a user sees it in a real headless Chromium on a 360 px
# phone screen: normal, running, revert failed, calibration, advice only, failed
# target, inconclusive, empty. Each says what it is (its outcome words), and
# at 360 px nothing needs scrolling sideways: no verdict, status or kept
# line past the window's edge (a layout probe loaded after the page); at
# 360 and 1280 px no table scrolls sideways either.
# With SMART_SCREENSHOTS=1, screenshots of each at both widths are kept in
# build/artifacts/dashboard-states/ (slow: two more browser starts a state).
. "$(dirname "$0")/../lib/common.sh"

chrome=$(command -v chromium || command -v chromium-browser || true)
[ -n "$chrome" ] || skip "chromium is not installed (packaging/install-deps.sh --tests)"
artifacts=$SMART_BUILD_DIR/artifacts/dashboard-states
mkdir -p "$artifacts"
states="normal running revert_failed calibration advice failed_target inconclusive empty"

for state in $states; do
  cp -r "$SMART_SOURCE_DIR/test/fixtures/dashboard/$state" "$TMP/$state"
  printf 'VAR_DIR=%s\nDASH_DIR=%s\nDASH_ASSETS_DIR=%s\n' "$TMP/$state" "$TMP/www/$state" \
    "$SMART_SOURCE_DIR/dashboard" >"$TMP/$state.conf"
  expect_exit 0 smart-dashboard --config "$TMP/$state.conf"
  cp "$SMART_SOURCE_DIR/test/lib/layout-probe.js" "$TMP/www/$state/probe.js"
  sed 's|<script src="app.js" defer></script>|&<script src="probe.js"></script>|' "$TMP/www/$state/index.html" \
    >"$TMP/www/$state/probe.html"
  grep -q 'probe.js' "$TMP/www/$state/probe.html" || fail "$state: the probe was not added"
done

port=$(free_port)
python3 -m http.server --bind 127.0.0.1 "$port" -d "$TMP/www" >"$TMP/http.log" 2>&1 &
server=$!
on_exit "kill $server"
base=http://127.0.0.1:$port
wait_for curl -fsS -o /dev/null "$base/normal/index.html"

chrome() {
  local out=$1; shift
  timeout 90 "$chrome" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --hide-scrollbars \
    --user-data-dir="$TMP/chrome-profile" "$@" >"$out.out" 2>"$out.log" \
    || { tail -20 "$out.log" >&2; fail "chromium failed: $*"; }
}

# what STATE PATTERN: the state's page, as the browser built it, says PATTERN.
what() {
  expect_in "$TMP/$1.out" "$2"
}

for state in $states; do
  # A laptop too: at 1280 px no table scrolls sideways (a long reason wraps).
  chrome "$TMP/$state-1280" --window-size=1280,2000 --dump-dom "$base/$state/probe.html"
  grep -q 'data-overflow="none"' "$TMP/$state-1280.out" \
    || fail "$state at 1280 px: $(grep -o 'data-overflow="[^"]*"' "$TMP/$state-1280.out")"
  chrome "$TMP/$state" --window-size=360,2000 --dump-dom "$base/$state/probe.html"
  grep -q 'data-overflow="none"' "$TMP/$state.out" \
    || fail "$state at 360 px: $(grep -o 'data-overflow="[^"]*"' "$TMP/$state.out")"
  if [ "${SMART_SCREENSHOTS:-0}" = 1 ]; then
    for width in 1280 360; do
      chrome "$TMP/shot-$state-$width" --window-size="$width,2000" \
        --screenshot="$artifacts/$state-$width.png" "$base/$state/index.html"
      [ -s "$artifacts/$state-$width.png" ] || fail "no screenshot $state-$width"
    done
  fi
done

what normal 'id="outcome">kept</span>'
what running 'id="running" role="status"><strong>Running now:</strong> 002_nginx_keepalive: keepalive_120 applied'
what revert_failed 'kept: <b class="bad-text">nothing known — the revert of workers_2 failed'
expect_not_in "$TMP/revert_failed.out" 'baseline restored'
what calibration 'id="outcome">calibration (A/A)</span>'
what advice 'would have kept workers_2'
what failed_target 'id="outcome">failed</span>'
what inconclusive 'inconclusive: the data could not tell'
what empty 'No run yet'
[ "${SMART_SCREENSHOTS:-0}" = 1 ] && echo "screenshots in $artifacts"
exit 0
