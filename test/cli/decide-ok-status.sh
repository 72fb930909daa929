# A variant that answers 404 fast is broken, not faster: by default a 4xx is
# an error; --ok-status names the codes that are fine for this endpoint.
. "$(dirname "$0")/../lib/common.sh"
rows() { # FILE N CODE MS
  { echo "timestamp,latency_ms,response_code,error"
    for i in $(seq 1 "$2"); do printf '2026-11-29T10:00:00.000Z,%s,%s,\n' "$(awk -v m="$4" -v i="$i" 'BEGIN{printf "%.3f", m*(1+(i%7)/50)}')" "$3"; done; } >"$1"
}
rows "$TMP/base.csv" 300 200 5
rows "$TMP/var.csv" 300 404 1
expect_exit 1 smart-decide --json "$TMP/base.csv" "$TMP/var.csv"
expect_eq "$(jq -r '.decision + " " + (.variant.errors.unexpected_status|tostring) + " " + (.variant.err_pct|tostring)' "$TMP/out")" "revert 300 100"
expect_exit 1 smart-decide --rule original "$TMP/base.csv" "$TMP/var.csv"
# The endpoint is meant to answer 404 (as well as 2xx/3xx): 80 % faster, kept.
expect_exit 0 smart-decide --json --ok-status 404 "$TMP/base.csv" "$TMP/var.csv"
expect_eq "$(jq -r '.decision + " " + .thresholds.ok_status' "$TMP/out")" "keep 200-399,404"
expect_exit 0 smart-decide --rule original --ok-status 400-499 "$TMP/base.csv" "$TMP/var.csv"
# A bad list is bad input.
expect_exit 2 smart-decide --ok-status 4xx "$TMP/base.csv" "$TMP/var.csv"
expect_in "$TMP/err" "--ok-status '4xx'"
