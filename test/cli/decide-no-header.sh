# A file without a header (timestamp, latency, code), as the original could write.
. "$(dirname "$0")/../lib/common.sh"
for i in $(seq 1 12); do echo "2026-11-22T23:23:$i+00:00,20,200"; done >"$TMP/base.csv"
for i in $(seq 1 12); do echo "2026-11-22T23:24:$i+00:00,15,200"; done >"$TMP/var.csv"
expect_exit 0 smart-decide --rule original --json "$TMP/base.csv" "$TMP/var.csv"
expect_eq "$(jq -r '[.baseline.n, .variant.n, .improve_pct] | join(" ")' "$TMP/out")" "12 12 25"
