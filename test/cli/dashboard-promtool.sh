#!/usr/bin/env bash
# metrics.prom passes `promtool check metrics` (Debian's prometheus package
# ships promtool; packaging/install-deps.sh --tests extracts just that binary
# into /usr/local/lib/smart-test; SMART_PROMTOOL may point at another).
# Skipped without it: the unit tests check the format with a parser of their
# own either way.
. "$(dirname "$0")/../lib/common.sh"

promtool=${SMART_PROMTOOL:-$(command -v promtool || echo /usr/local/lib/smart-test/promtool)}
[ -n "$promtool" ] && [ -x "$promtool" ] || skip "promtool not installed (Debian package prometheus)"

# promtool really checks: a counter without _total is refused.
printf '# HELP smart_bad A bad counter.\n# TYPE smart_bad counter\nsmart_bad 1\n' >"$TMP/bad.prom"
if "$promtool" check metrics <"$TMP/bad.prom" >/dev/null 2>&1; then fail "promtool accepted a bad counter"; fi

for fixture in normal empty failing revert_failed xss corrupt borderline; do
  printf 'VAR_DIR=%s\n' "$SMART_SOURCE_DIR/test/fixtures/dashboard/$fixture" >"$TMP/smart.conf"
  expect_exit 0 smart-dashboard --config "$TMP/smart.conf" --out "$TMP/www-$fixture"
  if ! "$promtool" check metrics <"$TMP/www-$fixture/metrics.prom" >"$TMP/promtool.out" 2>&1; then
    cat "$TMP/promtool.out" >&2
    fail "promtool check metrics refused $fixture's metrics.prom"
  fi
done
