# --json prints one object with the fields of docs/formats.md.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/decide_data.sh"
make_csv "$TMP/base.csv" 60 20 1
make_csv "$TMP/var.csv" 60 12 2 1 0
expect_exit 1 smart-decide --json "$TMP/base.csv" "$TMP/var.csv"
j="$TMP/out"
expect_eq "$(wc -l <"$j")" "1"
expect_eq "$(jq -r '.decision, .verdict, .borderline, .rule, .metric, .decided_by' "$j" | tr '\n' ' ')" "inconclusive revert false smart p50 errors_uncertain "
expect_eq "$(jq -r '[.baseline.n, .variant.n, .variant.n_good, .variant.n_errors, .variant.errors.connect] | join(" ")' "$j")" "60 61 60 1 1"
jq -e '.baseline | has("p50_ms") and has("p90_ms") and has("p95_ms") and has("p99_ms") and has("mean_ms") and has("min_ms") and has("max_ms") and has("err_pct")' "$j" >/dev/null || fail "summary fields"
jq -e '(.improve_pct | type) == "number" and (.err_delta_pct | type) == "number"' "$j" >/dev/null || fail "improve/delta"
jq -e '.thresholds | .improve_pct == 10 and .max_err_delta_pct == 2 and .min_samples == 10 and .confidence == 0.95' "$j" >/dev/null || fail "thresholds"
jq -e '(.reasons | length) > 0 and .smart.method == "hodges-lehmann" and (.smart.ci_improve_pct | length) == 2' "$j" >/dev/null || fail "smart details"
