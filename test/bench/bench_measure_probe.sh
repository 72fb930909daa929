#!/usr/bin/env bash
# smart-measure probe mode against the original one-curl-per-probe loop, curl's
# own time_total, and wrk at one connection, on a loopback nginx.
#
#   test/bench/bench_measure_probe.sh          RUNS=5 PROBES=300 SM_PROBES=3000 WRK_DURATION=5s
#
# Prints, per run and as medians with min/max over the runs:
#  - client CPU per probe (user+sys, children included) of the original loop
#    (the bash scripts smart descends from: bash, date, one curl process per probe) and of
#    smart-measure (one process, kept-alive connection); their ratio;
#  - p50 of smart-measure's latency_ms and of curl's time_total on the same
#    kind of connection (kept alive: one curl process fetching the URL N times;
#    fresh: one curl process per probe vs --fresh-connection);
#  - p50 of wrk -c1 next to smart-measure's probe mode and its load mode -c 1.
# Not part of CI's pass/fail. Everything on 127.0.0.1, every loop bounded.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/bench/measure_bench_lib.sh"
need curl wrk nginx

RUNS=${RUNS:-5}
PROBES=${PROBES:-300}
SM_PROBES=${SM_PROBES:-3000}
WRK_DURATION=${WRK_DURATION:-5s}
nginx_start "$TMP/nginx"
on_exit "nginx_stop '$TMP/nginx'"
URL=$NGINX_URL

# The original measure loop (curl per probe, wall time from date,
# "000" when curl fails), without the sleep so only its own CPU is counted.
cat >"$TMP/original.sh" <<'SH'
url=$1; n=$2
echo "ts,latency_ms,rcode"
for _ in $(seq "$n"); do
  start=$(date +%s%3N)
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$url" || echo 000)
  end=$(date +%s%3N)
  echo "$(date -Iseconds),$((end - start)),$code"
done
SH

p50_of() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

for run in $(seq "$RUNS"); do
  # CPU per probe.
  timed "$TMP/t.orig" bash "$TMP/original.sh" "$URL" "$PROBES"
  orig=$(cpu_s "$TMP/t.orig")
  # GNU time counts CPU in 10 ms steps: smart-measure needs more probes to
  # show at all (the start-up cost is in, spread over SM_PROBES).
  timed "$TMP/t.sm" smart-measure --url "$URL" --count "$SM_PROBES" --interval 1ms
  sm=$(cpu_s "$TMP/t.sm")
  orig_ms=$(awk -v c="$orig" -v n="$PROBES" 'BEGIN { printf "%.4f", c / n * 1000 }')
  sm_ms=$(awk -v c="$sm" -v n="$SM_PROBES" 'BEGIN { printf "%.4f", c / n * 1000 }')
  record cpu_per_probe_ms.original "$orig_ms"
  record cpu_per_probe_ms.smart-measure "$sm_ms"
  record cpu_ratio.original/smart-measure "$(awk -v a="$orig_ms" -v b="$sm_ms" 'BEGIN { printf "%.2f", a / b }')"
  record wall_per_probe_ms.original "$(awk -v e="$(cut -d' ' -f1 "$TMP/t.orig")" -v n="$PROBES" 'BEGIN { printf "%.3f", e / n * 1000 }')"

  # Latency vs curl's time_total, kept-alive connection: one curl fetching the
  # URL N times back to back (its first fetch connects: dropped), and
  # smart-measure probing back to back (1 us interval).
  args=(); for _ in $(seq "$PROBES"); do args+=(-o /dev/null "$URL"); done
  curl -s -w '%{time_total}\n' "${args[@]}" | tail -n +2 | awk '{ print $1 * 1000 }' >"$TMP/curl_ka"
  curl_ka=$(p50_of <"$TMP/curl_ka")
  smart-measure --url "$URL" --count "$PROBES" --interval 1us -o "$TMP/sm_ka.csv" 2>/dev/null
  sm_ka=$(tail -n +3 "$TMP/sm_ka.csv" | cut -d, -f2 | p50_of)
  record p50_ms.keepalive.curl_time_total "$curl_ka"
  record p50_ms.keepalive.smart-measure "$sm_ka"
  record p50_diff_ms.keepalive "$(awk -v a="$sm_ka" -v b="$curl_ka" 'BEGIN { printf "%.4f", a - b }')"

  # New connection per probe: one curl process fetching the URL N times with
  # "Connection: close" (connect every time, warm process) vs
  # --fresh-connection. The original's curl process per probe is reported
  # too: its time_total includes the cold process's first-transfer costs.
  curl -s -H 'Connection: close' -w '%{time_total}\n' "${args[@]}" | awk '{ print $1 * 1000 }' >"$TMP/curl_fresh"
  curl_fresh=$(p50_of <"$TMP/curl_fresh")
  for _ in $(seq 50); do curl -s -o /dev/null -w '%{time_total}\n' "$URL"; done | awk '{ print $1 * 1000 }' >"$TMP/curl_proc"
  record p50_ms.curl_process_per_probe_time_total "$(p50_of <"$TMP/curl_proc")"
  smart-measure --url "$URL" --count "$PROBES" --interval 1us --fresh-connection -o "$TMP/sm_fresh.csv" 2>/dev/null
  sm_fresh=$(tail -n +2 "$TMP/sm_fresh.csv" | cut -d, -f2 | p50_of)
  record p50_ms.fresh.curl_time_total "$curl_fresh"
  record p50_ms.fresh.smart-measure "$sm_fresh"
  record p50_diff_ms.fresh "$(awk -v a="$sm_fresh" -v b="$curl_fresh" 'BEGIN { printf "%.4f", a - b }')"

  # p50 at one connection vs wrk.
  wrk -t1 -c1 -d"$WRK_DURATION" --latency "$URL" >"$TMP/wrk1" 2>&1
  record p50_ms.c1.wrk "$(wrk_pct 50 "$TMP/wrk1")"
  smart-measure --url "$URL" --count 2000 --interval 1us >/dev/null 2>"$TMP/sm_probe1"
  record p50_ms.c1.smart-measure_probe_back_to_back "$(sm_pct 50 "$TMP/sm_probe1")"
  smart-measure --url "$URL" --count "$PROBES" --interval 10ms >/dev/null 2>"$TMP/sm_probe10"
  record p50_ms.c1.smart-measure_probe_every_10ms "$(sm_pct 50 "$TMP/sm_probe10")"
  # The same 10 ms spacing with curl itself (--rate 100/s, one kept-alive
  # connection): an idle server and client answer slower than a busy one,
  # and curl's time_total shows the same as smart-measure.
  curl -s --rate 100/s -w '%{time_total}\n' "${args[@]}" | tail -n +2 | awk '{ print $1 * 1000 }' >"$TMP/curl_10ms"
  record p50_ms.c1.curl_time_total_every_10ms "$(p50_of <"$TMP/curl_10ms")"
  smart-measure --url "$URL" --concurrency 1 --duration "$WRK_DURATION" -o /dev/null 2>"$TMP/sm_load1"
  record p50_ms.c1.smart-measure_load "$(sm_pct 50 "$TMP/sm_load1")"
  echo "run $run/$RUNS: cpu/probe original ${orig_ms} ms, smart-measure ${sm_ms} ms;" \
       "p50 keep-alive sm $sm_ka vs curl $curl_ka; fresh sm $sm_fresh vs curl $curl_fresh;" \
       "c1 wrk $(wrk_pct 50 "$TMP/wrk1") sm-load $(sm_pct 50 "$TMP/sm_load1")" >&2
done

echo "smart-measure probe mode vs the original curl loop, curl time_total and wrk -c1 ($RUNS runs, $PROBES probes, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
summarize
