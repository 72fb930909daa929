#!/usr/bin/env bash
# smart-decide on two large CSVs vs the original scripts' pipeline
# (awk | sort -n | awk for the p50, awk for the 5xx rate) on the same files.
#   test/bench/decide_10m.sh [ROWS] [BUILD_DIR]
# Prints wall time and peak RSS of both (GNU time -v) and the ratio.
set -euo pipefail
ROWS=${1:-10000000}
BUILD=${2:-$(cd "$(dirname "$0")/../.." && pwd)/build}
DIR=$(mktemp -d "${TMPDIR:-/tmp}/smart-bench-decide.XXXXXX")
trap 'rm -rf "$DIR"' EXIT
export LC_ALL=C SMART_CONF=/dev/null

gen() { # FILE SEED MEDIAN: lognormal latencies, 0.5 % 5xx, 0.1 % refused
  awk -v n="$ROWS" -v seed="$2" -v med="$3" 'BEGIN {
    srand(seed); print "timestamp,latency_ms,response_code,error"
    for (i = 0; i < n; i++) {
      u1 = rand(); u2 = rand(); if (u1 < 1e-12) u1 = 1e-12
      z = sqrt(-2 * log(u1)) * cos(6.283185307179586 * u2)
      r = rand()
      if (r < 0.001) { printf "2026-11-29T10:00:00.000Z,0.213,0,connect\n"; continue }
      printf "2026-11-29T10:00:00.000Z,%.3f,%d,\n", med * exp(0.3 * z), (r < 0.006 ? 503 : 200)
    }
  }' >"$1"
}

echo "generating 2 x $ROWS rows in $DIR ..." >&2
gen "$DIR/base.csv" 1 20
gen "$DIR/var.csv" 2 17
ls -l "$DIR"/*.csv >&2

# The original decide.sh, re-created: p50 and the rule.
cat >"$DIR/original_decide.sh" <<'SH'
p50() {
  awk -F, 'NR>1{print $2}' "$1" | sort -n | awk '{
    a[NR]=$1
  } END {
    if (NR%2) {print a[(NR+1)/2]}
    else {print (a[NR/2]+a[NR/2+1])/2}
  }'
}
err_rate() { awk -F, 'NR>1{t++; if ($3>=500) e++} END {printf "%.2f", (t ? e*100/t : 0)}' "$1"; }
b=$(p50 "$1"); v=$(p50 "$2"); be=$(err_rate "$1"); ve=$(err_rate "$2")
awk -v b="$b" -v v="$v" -v be="$be" -v ve="$ve" -v ip="${IMPROVE_PCT:-10}" -v md="${MAX_ERR_DELTA_PCT:-2}" 'BEGIN {
  imp = (b - v) / b * 100; d = ve - be
  print ((imp >= ip && d <= md) ? "keep" : "revert")
  printf "baseline_p50_ms=%s variant_p50_ms=%s improve_pct=%d baseline_err=%s variant_err=%s err_delta=%.2f\n", b, v, imp, be, ve, d > "/dev/stderr"
}'
SH

measure() { # LABEL CMD...: wall seconds, CPU seconds (user + sys, children included), peak RSS (kB)
  local label=$1; shift
  /usr/bin/time -v -o "$DIR/$label.time" "$@" >"$DIR/$label.out" 2>"$DIR/$label.err" || true
  local wall cpu rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s}' "$DIR/$label.time")
  cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$DIR/$label.time")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$DIR/$label.time")
  echo "$wall $cpu $rss"
}

# Page cache warm for both: read the files once.
cat "$DIR/base.csv" "$DIR/var.csv" >/dev/null
read -r t_orig c_orig rss_orig < <(measure original bash "$DIR/original_decide.sh" "$DIR/base.csv" "$DIR/var.csv")
read -r t_smart c_smart rss_smart < <(measure smart "$BUILD/tools/smart-decide" "$DIR/base.csv" "$DIR/var.csv")
read -r t_smart_o c_smart_o rss_smart_o < <(measure smart_original "$BUILD/tools/smart-decide" --rule original "$DIR/base.csv" "$DIR/var.csv")

printf '\nsmart-decide vs the original pipeline, 2 x %s rows\n' "$ROWS"
printf '%-34s %10s %10s %14s  %s\n' "" "wall s" "CPU s" "peak RSS MB" "verdict"
printf '%-34s %10.2f %10.2f %14.1f  %s\n' "original (awk | sort -n | awk)" "$t_orig" "$c_orig" "$(echo "$rss_orig/1024" | bc -l)" "$(cat "$DIR/original.out")"
printf '%-34s %10.2f %10.2f %14.1f  %s\n' "smart-decide (rule smart)" "$t_smart" "$c_smart" "$(echo "$rss_smart/1024" | bc -l)" "$(cat "$DIR/smart.out")"
printf '%-34s %10.2f %10.2f %14.1f  %s\n' "smart-decide --rule original" "$t_smart_o" "$c_smart_o" "$(echo "$rss_smart_o/1024" | bc -l)" "$(cat "$DIR/smart_original.out")"
printf 'speed-up, wall: %.1fx (rule smart), %.1fx (rule original); CPU: %.1fx, %.1fx; target >= 20x, RSS <= 200 MB\n' \
  "$(echo "$t_orig/$t_smart" | bc -l)" "$(echo "$t_orig/$t_smart_o" | bc -l)" \
  "$(echo "$c_orig/$c_smart" | bc -l)" "$(echo "$c_orig/$c_smart_o" | bc -l)"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "original:     $(cat "$DIR/original.err")"
echo "smart-decide: $(head -1 "$DIR/smart.err")"
