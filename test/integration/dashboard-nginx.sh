#!/usr/bin/env bash
# packaging/nginx-smart-dashboard.conf, in a throwaway loopback nginx, serves
# the rendered dashboard: the page with its CSP header, JSON never cached,
# metrics.prom as text, /runs/ with autoindex through the runs link, no dotfiles.
. "$(dirname "$0")/../lib/common.sh"

command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || skip "nginx is not installed"

cp -r "$SMART_SOURCE_DIR/test/fixtures/dashboard/normal" "$TMP/var"
printf 'VAR_DIR=%s\nDASH_DIR=%s\nDASH_ASSETS_DIR=%s\n' "$TMP/var" "$TMP/www" "$SMART_SOURCE_DIR/dashboard" >"$TMP/smart.conf"
expect_exit 0 smart-dashboard --config "$TMP/smart.conf"
: >"$TMP/www/.runs.tmp.1"

# The shipped file, with only listen and root changed.
port=$(free_port)
sed -e "s|listen 127.0.0.1:8080;|listen 127.0.0.1:$port;|" -e "s|root /var/lib/smart/www;|root $TMP/www;|" \
  "$SMART_SOURCE_DIR/packaging/nginx-smart-dashboard.conf" >"$TMP/dashboard-server.conf"
grep -q "listen 127.0.0.1:$port;" "$TMP/dashboard-server.conf" || fail "listen line not found in the snippet"
grep -q "root $TMP/www;" "$TMP/dashboard-server.conf" || fail "root line not found in the snippet"
mkdir -p "$TMP/nginx"
nginx_start "$TMP/nginx" "" "include $TMP/dashboard-server.conf;"
on_exit "nginx_stop '$TMP/nginx'"
url=http://127.0.0.1:$port

# get PATH: body in $TMP/body, headers in $TMP/headers, status in $STATUS.
get() {
  STATUS=$(curl -sS -o "$TMP/body" -D "$TMP/headers" -w '%{http_code}' --max-time 10 "$url$1")
}
header() { grep -i "^$1:" "$TMP/headers" | head -1 | cut -d: -f2- | tr -d '\r' | sed 's/^ //'; }

get /
expect_eq "$STATUS" 200 "GET /"
expect_in "$TMP/body" 'id="status"'
header content-security-policy | grep -q "script-src 'self'" || fail "no CSP header on /: $(cat "$TMP/headers")"
header content-security-policy | grep -q "frame-ancestors 'none'" || fail "no frame-ancestors in the CSP header"
expect_eq "$(header x-content-type-options)" "nosniff"

for f in health.json history.json state.json; do
  get "/$f"
  expect_eq "$STATUS" 200 "GET /$f"
  expect_eq "$(header cache-control)" "no-store" "Cache-Control of /$f"
  header content-type | grep -q "application/json" || fail "/$f content type: $(header content-type)"
  jq -e . "$TMP/body" >/dev/null || fail "/$f is not JSON"
done

get /metrics.prom
expect_eq "$STATUS" 200 "GET /metrics.prom"
header content-type | grep -q "^text/plain" || fail "metrics.prom content type: $(header content-type)"
expect_eq "$(header cache-control)" "no-store"
expect_in "$TMP/body" "smart_health{"

get /style.css
expect_eq "$STATUS" 200 "GET /style.css"
header content-type | grep -q "text/css" || fail "style.css content type"

get /runs/
expect_eq "$STATUS" 200 "GET /runs/"
expect_in "$TMP/body" 'href="20261122T233000Z/"'
get /runs/20261122T233000Z/
expect_in "$TMP/body" 'href="baseline.csv"'
get /runs/20261122T233000Z/baseline.csv
expect_eq "$STATUS" 200
header content-type | grep -q "^text/plain" || fail "CSV content type: $(header content-type)"
get /runs/20261122T233000Z/summary.json
expect_eq "$(header cache-control)" "no-store"

get /.runs.tmp.1
expect_eq "$STATUS" 403 "dotfiles are not served"
