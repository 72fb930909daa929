# The original run-example files: integer ms, header ts,latency_ms,rcode.
# The original decided keep for workers_2 (14.5 vs 17 ms, +14.7 %) on 2
# samples a side; smart-decide keeps that only when told 2 samples suffice.
. "$(dirname "$0")/../lib/common.sh"
ex="$SMART_SOURCE_DIR/test/fixtures/original/run-example"
expect_exit 0 smart-decide --rule original --min-samples 2 "$ex/baseline.csv" "$ex/workers_2.csv"
expect_eq "$(cat "$TMP/out")" "keep"
expect_in "$TMP/err" "baseline_p50_ms=17 variant_p50_ms=14.5 improve_pct=14.7059 baseline_err=0.00 variant_err=0.00 err_delta=0.00"
# Default min-samples (10): too few, revert with the reason.
expect_exit 1 smart-decide --rule original "$ex/baseline.csv" "$ex/workers_2.csv"
expect_eq "$(cat "$TMP/out")" "revert"
expect_in "$TMP/err" "too few successful samples"
# The smart rule cannot tell from 2 samples: inconclusive, not borderline
# (too few samples is not a gray zone a coach may settle).
expect_exit 1 smart-decide --json --min-samples 2 "$ex/baseline.csv" "$ex/workers_2.csv"
expect_eq "$(jq -r '.decision + " " + (.borderline|tostring)' "$TMP/out")" "inconclusive false"
# with_failures.csv: 000000 is a transport failure, 502 an error.
expect_exit 1 smart-decide --rule original --min-samples 2 --json "$ex/baseline.csv" "$ex/with_failures.csv"
expect_eq "$(jq -r '[.variant.n, .variant.n_errors, .variant.errors.http_5xx, .variant.errors.other, .variant.p50_ms] | join(" ")' "$TMP/out")" "4 2 1 1 17.5"
