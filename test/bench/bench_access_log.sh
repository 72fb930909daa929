#!/usr/bin/env bash
# How fast smart-measure --replay reads an access log, against awk doing the
# same count (GET/HEAD requests per path, query stripped) and goaccess
# parsing the same file, on a generated nginx "combined" log.
#
#   test/bench/bench_access_log.sh          SIZE_MB=1024 RUNS=3
#
# Prints lines/second of each, per run and as the median over the runs, and
# the ratio smart / peer. Not part of CI's pass/fail; writes only in a temp dir.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/bench/measure_bench_lib.sh"
need() { for c in "$@"; do command -v "$c" >/dev/null || skip "$c is not installed"; done; }
need awk python3 smart-measure

SIZE_MB=${SIZE_MB:-1024}
RUNS=${RUNS:-3}
log=$TMP/access.log

# 20,000 varied lines (paths with a long tail, queries, POSTs, 4xx/5xx,
# real user agents), repeated up to SIZE_MB.
python3 - "$TMP/seed.log" <<'PY'
import random, sys
random.seed(7)
agents = ['Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0',
          'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
          'curl/7.88.1', 'Googlebot/2.1 (+http://www.google.com/bot.html)']
with open(sys.argv[1], 'w') as out:
    for i in range(20000):
        n = int(random.paretovariate(1.2)) % 5000
        path = random.choice(['/', f'/page/{n}', f'/static/app.{n % 50}.css', f'/api/items?id={n}', f'/img/{n}.png'])
        method = 'POST' if random.random() < 0.05 else ('HEAD' if random.random() < 0.02 else 'GET')
        status = random.choice([200] * 90 + [304] * 5 + [404] * 4 + [502])
        out.write(f'10.{i % 256}.{(i // 256) % 256}.{i % 97} - - [03/Dec/2026:{(i // 3600) % 24:02d}:{(i // 60) % 60:02d}:{i % 60:02d} +0000] '
                  f'"{method} {path} HTTP/1.1" {status} {random.randint(0, 200000)} "https://example.org/" "{random.choice(agents)}"\n')
PY
cp "$TMP/seed.log" "$log"
while [ "$(stat -c %s "$log")" -lt $((SIZE_MB * 1024 * 1024)) ]; do
  cat "$log" "$log" >"$log.2" && mv "$log.2" "$log"
done
truncate -s "$((SIZE_MB * 1024 * 1024))" "$log"
lines=$(wc -l <"$log")
bytes=$(stat -c %s "$log")
echo "log: $lines lines, $((bytes / 1024 / 1024)) MB (generated combined format)"

# Warm the page cache once so every tool reads from memory.
cat "$log" >/dev/null

awk_count='{ m = $6; if (m == "\"GET" || m == "\"HEAD") { p = $7; sub(/\?.*/, "", p); n[p]++ } }
END { for (p in n) print n[p], p }'

rate() { awk -v l="$lines" '{ printf "%.0f", l / $1 }' "$1"; }
for run in $(seq "$RUNS"); do
  timed "$TMP/t.smart" smart-measure --url http://127.0.0.1/ --replay "$log" --top 20 --print-targets
  record smart "$(rate "$TMP/t.smart")"
  timed "$TMP/t.awk" awk "$awk_count" "$log"
  record awk "$(rate "$TMP/t.awk")"
  line="run $run: smart $(rate "$TMP/t.smart") lines/s, awk $(rate "$TMP/t.awk") lines/s"
  if command -v goaccess >/dev/null; then
    timed "$TMP/t.goaccess" goaccess "$log" --log-format=COMBINED --no-global-config -o "$TMP/report.json"
    record goaccess "$(rate "$TMP/t.goaccess")"
    line+=", goaccess $(rate "$TMP/t.goaccess") lines/s"
  fi
  echo "$line"
done

median() { awk -v k="$1" '$1 == k { print $2 }' "$TMP/results" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
s=$(median smart)
a=$(median awk)
echo "median: smart-measure --replay $s lines/s; awk (same count) $a lines/s; ratio smart/awk $(awk -v s="$s" -v a="$a" 'BEGIN { printf "%.2f", s / a }')"
if command -v goaccess >/dev/null; then
  g=$(median goaccess)
  echo "median: goaccess (full report) $g lines/s; ratio smart/goaccess $(awk -v s="$s" -v g="$g" 'BEGIN { printf "%.2f", s / g }')"
fi
