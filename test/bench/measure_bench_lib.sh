# Shared by the smart-measure benchmarks (sourced after test/lib/common.sh).

# timed FILE CMD...: runs CMD with GNU time; "elapsed user sys maxrss_kb"
# goes to FILE, CMD's stdout to $TMP/timed.out and stderr to $TMP/timed.err.
timed() {
  local file=$1; shift
  /usr/bin/time -f '%e %U %S %M' -o "$file" "$@" >"$TMP/timed.out" 2>"$TMP/timed.err"
}
cpu_s() { awk '{ printf "%.4f", $2 + $3 }' "$1"; }
rss_mb() { awk '{ printf "%.1f", $4 / 1024 }' "$1"; }

# wrk's "50%   18.00us" / "1.23ms" / "1.00s" in milliseconds.
wrk_pct() {
  awk -v p="$1%" '$1 == p { v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
    if (u == "us") v /= 1000; else if (u == "s") v *= 1000; else if (u == "m") v *= 60000;
    printf "%.4f", v }' "$2"
}
wrk_rps() { awk '/^Requests\/sec:/ { print $2 }' "$1"; }
# hey's "  50% in 0.0002 secs" in milliseconds.
hey_pct() { awk -v p="$1%" '$1 == p && $2 == "in" { printf "%.4f", $3 * 1000 }' "$2"; }
hey_rps() { awk '/Requests\/sec:/ { print $2 }' "$1"; }
# smart-measure's summary line: "p50 0.126 ms", "64797 req/s", "N samples".
sm_pct() { sed -n "s/.* p$1 \([0-9.]*\) ms.*/\1/p" "$2" | tail -1; }
sm_rps() { sed -n 's/.*, \([0-9]*\) req\/s$/\1/p' "$1" | tail -1; }
sm_count() { sed -n 's/.*smart-measure: \([0-9]*\) samples.*/\1/p' "$1" | tail -1; }

# record NAME VALUE: one measurement of one run, for summarize.
record() { echo "$1 $2" >>"$TMP/results"; }

# summarize: median, min and max of every NAME over the runs.
summarize() {
  python3 - "$TMP/results" <<'PY'
import statistics, sys
values = {}
order = []
for line in open(sys.argv[1]):
    name, value = line.split()
    if name not in values:
        values[name] = []
        order.append(name)
    try:
        values[name].append(float(value))
    except ValueError:
        pass
print(f"{'measure':<44} {'median':>12} {'min':>12} {'max':>12}  runs")
for name in order:
    v = values[name]
    if not v:
        print(f"{name:<44} {'n/a':>12}")
        continue
    print(f"{name:<44} {statistics.median(v):>12.4g} {min(v):>12.4g} {max(v):>12.4g}  {len(v)}")
PY
}

need() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || skip "$tool is not installed (packaging/install-deps.sh --tests)"
  done
  [ -x /usr/bin/time ] || skip "GNU time is not installed"
  [ -x "$SMART_BUILD_DIR/tools/smart-measure" ] || skip "build smart-measure first ($SMART_BUILD_DIR)"
}
