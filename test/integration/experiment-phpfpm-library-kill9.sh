#!/usr/bin/env bash
# The PHP-FPM experiments 019-020 under smart-run against a real php-fpm8.2
# behind a real nginx, killed with SIGKILL while a variant is applied:
# smart-run --recover finds pending.json and puts the pool file back
# byte-identical, and PHP-FPM runs it again (its status page says dynamic);
# still so after a whole next run.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/experiment.sh"
. "$SMART_SOURCE_DIR/test/lib/phpfpm.sh"
[ -x "$SMART_BUILD_DIR/tools/smart-run" ] || skip "smart-run is not built"
phpfpm_need
phpfpm_site
phpfpm_smart_conf "$TMP/smart.conf"
changed() { ! cmp -s "$PHPFPM_POOL_CONF" "$TMP/pool.before"; }
# the file as before, and PHP-FPM running it (a reload takes a moment)
same() {
  local i
  cmp -s "$PHPFPM_POOL_CONF" "$TMP/pool.before" || return 1
  for i in $(seq 1 200); do
    phpfpm_pm_is dynamic && return 0
    sleep 0.05
  done
  return 1
}
for id in 019_phpfpm_pm 020_phpfpm_max_children; do
  mkdir -p "$TMP/exp"
  cp -R "$SMART_SOURCE_DIR/experiments/$id" "$TMP/exp/$id"
  jq --arg url "$page" '.target_url = $url | .measure_interval_sec = 0.05' \
    "$SMART_SOURCE_DIR/experiments/$id/meta.json" >"$TMP/exp/$id/meta.json"
  exp_kill9_recovery "$id" "$TMP/smart.conf" changed same
  rm -rf "$TMP/exp"
done
