#!/usr/bin/env bash
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
# Samples with a target column (a request mix): smart-decide reports each
# page's medians, and a page that got much slower while the whole mix got
# faster turns the keep into a revert that names it (text and --json).

mix() { # FILE HOME_MS API_MS
  python3 - "$@" <<'PY'
import sys
path, home, api = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
with open(path, 'w') as f:
    f.write('timestamp,latency_ms,response_code,error,target\n')
    for i in range(1000):
        url, ms = ('http://127.0.0.1/api', api) if i % 10 == 0 else ('http://127.0.0.1/', home)
        f.write(f'2026-12-03T09:00:{i % 60:02d}.000Z,{ms * (1 + 0.01 * (i % 7)):.3f},200,,{url}\n')
PY
}
mix "$TMP/base.csv" 10 2
mix "$TMP/faster.csv" 5 2
mix "$TMP/api-slower.csv" 5 4

expect_exit 0 smart-decide "$TMP/base.csv" "$TMP/faster.csv"
expect_eq "$(cat "$TMP/out")" "keep"
expect_in "$TMP/err" "target http://127.0.0.1/api: p50 2."
expect_not_in "$TMP/err" "WORSE"

expect_exit 1 smart-decide "$TMP/base.csv" "$TMP/api-slower.csv"
expect_eq "$(cat "$TMP/out")" "revert"
expect_in "$TMP/err" "target http://127.0.0.1/api: p50 2."
expect_in "$TMP/err" "WORSE"
expect_in "$TMP/err" "target_worse"

expect_exit 1 smart-decide --json "$TMP/base.csv" "$TMP/api-slower.csv"
expect_eq "$(jq -r '.decided_by' "$TMP/out")" "target_worse"
expect_eq "$(jq -r '.targets[] | select(.worse) | .target' "$TMP/out")" "http://127.0.0.1/api"
expect_eq "$(jq -r '.targets | length' "$TMP/out")" "2"
