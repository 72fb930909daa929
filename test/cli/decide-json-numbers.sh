#!/usr/bin/env bash
# smart-decide --json prints numbers as every smart file does: plain
# decimals (0.41), never Boost's exponent form (4.1E-1).
. "$(dirname "$0")/../lib/common.sh"
for f in a b; do
  echo 'timestamp,latency_ms,response_code' >"$TMP/$f.csv"
  for i in $(seq 1 40); do
    printf '2026-11-22T23:10:%02d.000Z,%d.%03d,200\n' "$((i % 60))" "$((10 + i % 7))" "$((i * 37 % 1000))" >>"$TMP/$f.csv"
  done
done
echo '2026-11-22T23:11:00.000Z,0.410,503' >>"$TMP/b.csv"
run smart-decide --json "$TMP/a.csv" "$TMP/b.csv"
[ "$RC" -le 1 ] || fail "smart-decide --json exit $RC"
grep -Eq '[0-9][eE][-+]?[0-9]' "$TMP/out" && fail "exponent notation in --json: $(grep -Eo '[0-9.]+[eE][-+]?[0-9]+' "$TMP/out" | head -3)"
expect_in "$TMP/out" '"confidence":0.95'
