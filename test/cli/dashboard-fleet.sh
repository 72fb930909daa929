#!/usr/bin/env bash
# smart-dashboard --fleet renders many hosts' state (a report directory,
# one subdirectory per host) as one page: the hosts x experiments matrix,
# the fleet's majority value, outliers (another value, a failure, bad
# health), escaped, no script, the same CSP; fleet.json and --text agree.
. "$(dirname "$0")/../lib/common.sh"

R=$TMP/report
line() { # HOST RUN EXPERIMENT STATUS KEPT
  mkdir -p "$R/$1"
  jq -cn --arg r "$2" --arg e "$3" --arg s "$4" --arg k "$5" \
    '{run_id: $r, experiment: $e, status: $s, kept_variant: $k, reason: "r",
      finished_at: "2026-11-22T20:10:00Z",
      variants: [{name: $k, outcome: "keep", improve_pct: 12.5}]}' >>"$R/$1/history.jsonl"
}
for h in web-1 web-2 web-3; do
  line $h 20261122T200000Z 001_nginx_workers kept workers_2
  line $h 20261122T203000Z 002_gzip reverted none
done
line web-4 20261122T200000Z 001_nginx_workers kept workers_4
line web-4 20261122T203000Z 002_gzip reverted none
line 'web-<b>5' 20261122T200000Z 001_nginx_workers kept workers_2
line 'web-<b>5' 20261122T203000Z '<script>alert(1)</script>' failed none
echo '{"status": "revert_failed", "message": "Revert of 002_gzip failed."}' >"$R/web-3/health.json"
for h in web-1 web-2 web-4 'web-<b>5'; do
  echo '{"status": "ok", "message": "Last run 5 min ago."}' >"$R/$h/health.json"
done

printf 'BASE_DIR=%s\nDASH_ASSETS_DIR=%s\n' "$TMP/base" "$SMART_SOURCE_DIR/dashboard" >"$TMP/smart.conf"
export SMART_CONF=$TMP/smart.conf
expect_exit 0 smart-dashboard --fleet "$R" --out "$TMP/www"
J=$TMP/www/fleet.json
expect_eq "$(jq '.hosts | length' "$J")" 5
expect_eq "$(jq -r '.experiments[] | select(.id == "001_nginx_workers") | .majority' "$J")" workers_2
expect_eq "$(jq -r '.hosts[] | select(.host == "web-4") | .experiments["001_nginx_workers"].value' "$J")" workers_4
expect_eq "$(jq -r '.hosts[] | select(.host == "web-1") | .experiments["002_gzip"].value' "$J")" baseline
expect_eq "$(jq -c '[.outliers[] | .host] | sort' "$J")" '["web-3","web-4"]'
expect_in <(jq -r '.outliers[] | select(.host == "web-4") | .why' "$J") "runs workers_4 where 4 of 5 hosts run workers_2"
expect_in <(jq -r '.outliers[] | select(.host == "web-3") | .why' "$J") "health revert_failed"

H=$TMP/www/index.html
expect_in "$H" 'Content-Security-Policy'
expect_in "$H" 'content="default-src &#39;self&#39;; script-src &#39;self&#39;'
expect_in "$H" '&lt;script&gt;alert(1)&lt;/script&gt;'
expect_in "$H" 'web-&lt;b&gt;5'
expect_not_in "$H" '<script'
expect_not_in "$H" '<b>5'
expect_in "$H" '<td class="differs">workers_4'
expect_in "$TMP/www/style.css" ".fleet-matrix"

# Two host directories named directly work too; --text prints the matrix.
expect_exit 0 smart-dashboard --fleet "$R/web-1" "$R/web-4" --text
expect_in "$TMP/out" "fleet: 2 hosts"
expect_in "$TMP/out" "001_nginx_workers=workers_4 (kept)"

# Bad input: exit 2, nothing written.
mkdir -p "$TMP/empty"
expect_exit 2 smart-dashboard --fleet "$TMP/empty" --out "$TMP/www2"
expect_in "$TMP/err" "$TMP/empty: holds no host state"
test ! -e "$TMP/www2" || fail "wrote despite bad input"
expect_exit 2 smart-dashboard --fleet "$TMP/nope" --out "$TMP/www2"
expect_in "$TMP/err" "not a directory"

# A host that has not run yet (only its health.json) is listed, with 0 runs.
mkdir -p "$R/web-6"
echo '{"status": "ok", "message": "No run yet."}' >"$R/web-6/health.json"
expect_exit 0 smart-dashboard --fleet "$R" --text
expect_in "$TMP/out" "fleet: 6 hosts"
