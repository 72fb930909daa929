#!/usr/bin/env bash
# The PHP-FPM experiments 019-020 end to end under smart-run against a real
# php-fpm8.2 behind a real nginx, measured on a PHP page through FastCGI:
# every run completes with decisions for its variants, and afterwards the
# pool file is byte-identical and PHP-FPM runs the old settings again (the
# worker count of pm = dynamic, the page answers). The runs use --advise
# (measured, judged, then reverted whatever the verdict); the verdicts are
# printed, not asserted.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/phpfpm.sh"
[ -x "$SMART_BUILD_DIR/tools/smart-run" ] || skip "smart-run is not built"
phpfpm_need
phpfpm_site
php_answers() { curl -fsS --max-time 10 "$page" | grep -q '^php ok '; }
workers_dynamic() { local n; n=$(phpfpm_workers); [ "$n" -ge 1 ] && [ "$n" -le 5 ]; }
phpfpm_smart_conf "$TMP/smart.conf"
for id in 019_phpfpm_pm 020_phpfpm_max_children; do
  mkdir -p "$TMP/exp"
  cp -R "$SMART_SOURCE_DIR/experiments/$id" "$TMP/exp/$id"
  jq --arg url "$page" '.target_url = $url | .measure_interval_sec = 0.05' \
    "$SMART_SOURCE_DIR/experiments/$id/meta.json" >"$TMP/exp/$id/meta.json"
  expect_exit 0 smart-run --config "$TMP/smart.conf" --advise --json \
    --variant-seconds 2s --block-seconds 1s --warmup-seconds 0.2s --timeout-seconds 60s "$id"
  expect_eq "$(jq -r .status "$TMP/out")" reverted "$id status"
  expect_eq "$(jq -r '.variants | length' "$TMP/out")" 2 "$id variants judged"
  expect_eq "$(jq -r '[.variants[] | select(.outcome == "failed" or .outcome == "aborted")] | length' "$TMP/out")" 0 "$id failed variants"
  echo "$id: would keep $(jq -r .would_keep "$TMP/out"); $(jq -r '[.variants[] | "\(.name) \(.outcome) \(.improve_pct)%"] | join(", ")' "$TMP/out")"
  cmp "$PHPFPM_POOL_CONF" "$TMP/pool.before" || fail "$id: the pool file differs after the run: $(diff "$TMP/pool.before" "$PHPFPM_POOL_CONF")"
  wait_for phpfpm_pm_is dynamic
  wait_for workers_dynamic
  wait_for php_answers
  rm -rf "$TMP/exp"
done
