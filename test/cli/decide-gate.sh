# The CI gate: --no-worse-than PCT and --assert EXPR print pass/fail, exit 0/1
# (2 for bad input), and the reasons name what failed with its figures.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/decide_data.sh"
make_csv "$TMP/before.csv" 300 20 1
make_csv "$TMP/same.csv" 300 20 2
make_csv "$TMP/slow.csv" 300 26 3
make_csv "$TMP/errors.csv" 300 20 4 30 503
# An unchanged build passes (it is not better: smart-decide alone says revert).
expect_exit 1 smart-decide "$TMP/before.csv" "$TMP/same.csv"
expect_exit 0 smart-decide --no-worse-than 10 "$TMP/before.csv" "$TMP/same.csv"
expect_eq "$(cat "$TMP/out")" "pass"
expect_in "$TMP/err" "gate: pass"
# 30 % slower fails, and says by how much.
expect_exit 1 smart-decide --no-worse-than 10 "$TMP/before.csv" "$TMP/slow.csv"
expect_eq "$(cat "$TMP/out")" "fail"
expect_in "$TMP/err" "gate failed: no worse than 10%: latency shown slower by more than 10%: p50 +3"
# Absolute limits on the variant and on the difference.
expect_exit 1 smart-decide --assert 'p95<30ms' --assert 'errors<1%' --assert 'delta_p50<5%' "$TMP/before.csv" "$TMP/errors.csv"
expect_in "$TMP/err" "gate failed: assertion p95<30ms: p95 is 3"
expect_in "$TMP/err" "gate failed: assertion errors<1%: errors is 9.09% (failed)"
expect_in "$TMP/err" "gate ok: assertion delta_p50<5%: delta_p50 is"
expect_exit 0 smart-decide --assert 'p95<1s' --assert 'delta_p50<5%' "$TMP/before.csv" "$TMP/same.csv"
# --json carries the gate object.
expect_exit 1 smart-decide --json --no-worse-than 10 --assert 'errors<1%' "$TMP/before.csv" "$TMP/errors.csv"
expect_eq "$(jq -r '[.gate.pass, .gate.no_worse_than_pct, (.gate.failures|length), .gate.assertions[0]] | join(" ")' "$TMP/out")" "false 10 2 errors<1%"
# Bad input: exit 2.
expect_exit 2 smart-decide --assert 'p95<fast' "$TMP/before.csv" "$TMP/same.csv"
expect_in "$TMP/err" "--assert 'p95<fast'"
expect_exit 2 smart-decide --no-worse-than -1 "$TMP/before.csv" "$TMP/same.csv"
expect_exit 2 smart-decide --rule original --no-worse-than 5 "$TMP/before.csv" "$TMP/same.csv"
