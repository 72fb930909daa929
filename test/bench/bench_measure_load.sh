#!/usr/bin/env bash
# smart-measure load mode against Debian's wrk and hey on one loopback nginx,
# in the same run, repeated: medians and min/max printed.
#
#   test/bench/bench_measure_load.sh     RUNS=5 DURATION=5s CONNS=16 THREADS=1
#                                        RSS_DURATION=20s (60s for the issue's figure)
#                                        SCHEME=http (or https)
#
#  1. closed loop at CONNS connections: req/s, client CPU per request
#     (user+sys from GNU time), p50/p90/p99 of wrk --latency, hey and
#     smart-measure (one CSV row per request, written to a file), and
#     smart-measure's rows with wrk's own back-filling applied
#     (wrk_corrected_percentiles.py) for a like-for-like comparison;
#  2. stall: nginx's worker is stopped (SIGSTOP) for 0.5 s in the middle of
#     an open-loop run at STALL_RATE req/s, and of a closed-loop run: the
#     open loop's p99 shows the stall, the closed loop's hides it;
#  3. peak RSS at CONNS connections and at 10,000 req/s for RSS_DURATION,
#     next to the same runs at a fifth of it (bounded: no growth).
# SCHEME=https runs the same over TLS: nginx answers https on a second port
# with a throwaway self-signed certificate (nginx_tls_directives). wrk and hey
# verify no certificate; smart-measure verifies it (--cacert). Over https the
# closed-loop runs add --phases, so the wrk-corrected figures can take the
# handshake off a new connection's first request as wrk's timer does (the
# extra columns' cost is in smart-measure's CPU figure).
# Not part of CI's pass/fail. Everything on 127.0.0.1, every loop bounded.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/bench/measure_bench_lib.sh"
need wrk hey nginx
SCHEME=${SCHEME:-http}

RUNS=${RUNS:-5}
DURATION=${DURATION:-5s}
CONNS=${CONNS:-16}
THREADS=${THREADS:-1}
STALL_RATE=${STALL_RATE:-2000}
RSS_DURATION=${RSS_DURATION:-20s}
SM_TLS=()
SM_PHASES=()
case $SCHEME in
  http)
    nginx_start "$TMP/nginx"
    URL=$NGINX_URL ;;
  https)
    need openssl
    mkdir -p "$TMP/nginx"
    https_port=$(free_port)
    nginx_tls_directives "$TMP/nginx" "$https_port"
    nginx_start "$TMP/nginx" "$TLS_DIRECTIVES"
    URL=https://127.0.0.1:$https_port/
    SM_TLS=(--cacert "$TLS_CACERT")
    SM_PHASES=(--phases) ;;
  *) fail "SCHEME must be http or https, not $SCHEME" ;;
esac
on_exit "nginx_stop '$TMP/nginx'"
per_req_us() { awk -v c="$1" -v n="$2" 'BEGIN { if (n > 0) printf "%.3f", c / n * 1e6; else print "nan" }'; }
secs() { awk -v d="$1" 'BEGIN { if (d ~ /s$/) sub(/s$/, "", d); print d }'; }

for run in $(seq "$RUNS"); do
  timed "$TMP/t.wrk" wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency "$URL"
  cp "$TMP/timed.out" "$TMP/wrk.out"
  wrk_rps_v=$(wrk_rps "$TMP/wrk.out")
  wrk_n=$(awk -v r="$wrk_rps_v" -v d="$(secs "$DURATION")" 'BEGIN { printf "%d", r * d }')
  record rps.wrk "$wrk_rps_v"
  record cpu_per_req_us.wrk "$(per_req_us "$(cpu_s "$TMP/t.wrk")" "$wrk_n")"
  for p in 50 90 99; do record "p${p}_ms.wrk" "$(wrk_pct $p "$TMP/wrk.out")"; done

  timed "$TMP/t.hey" hey -z "$DURATION" -c "$CONNS" "$URL"
  cp "$TMP/timed.out" "$TMP/hey.out"
  hey_rps_v=$(hey_rps "$TMP/hey.out")
  hey_n=$(awk -v r="$hey_rps_v" -v d="$(secs "$DURATION")" 'BEGIN { printf "%d", r * d }')
  record rps.hey "$hey_rps_v"
  record cpu_per_req_us.hey "$(per_req_us "$(cpu_s "$TMP/t.hey")" "$hey_n")"
  for p in 50 90 99; do record "p${p}_ms.hey" "$(hey_pct $p "$TMP/hey.out")"; done

  timed "$TMP/t.sm" smart-measure "${SM_TLS[@]}" --url "$URL" --concurrency "$CONNS" --threads "$THREADS" --duration "$DURATION" "${SM_PHASES[@]}" -o "$TMP/sm.csv"
  cp "$TMP/timed.err" "$TMP/sm.err"
  sm_rps_v=$(sm_rps "$TMP/sm.err")
  record rps.smart-measure "$sm_rps_v"
  record cpu_per_req_us.smart-measure "$(per_req_us "$(cpu_s "$TMP/t.sm")" "$(sm_count "$TMP/sm.err")")"
  for p in 50 90 99; do record "p${p}_ms.smart-measure" "$(sm_pct $p "$TMP/sm.err")"; done
  # wrk back-fills its closed-loop latencies (stats_correct) before printing
  # them; the same correction on smart-measure's rows compares like with like.
  read -r c50 c90 c99 < <(python3 "$SMART_SOURCE_DIR/test/bench/wrk_corrected_percentiles.py" "$TMP/sm.csv" "$CONNS" "$(secs "$DURATION")")
  record p50_ms.smart-measure_wrk_corrected "$c50"
  record p90_ms.smart-measure_wrk_corrected "$c90"
  record p99_ms.smart-measure_wrk_corrected "$c99"
  record ratio.rps.smart-measure/wrk "$(awk -v a="$sm_rps_v" -v b="$wrk_rps_v" 'BEGIN { printf "%.3f", a / b }')"
  record ratio.cpu_per_req.smart-measure/wrk "$(awk -v a="$(per_req_us "$(cpu_s "$TMP/t.sm")" "$(sm_count "$TMP/sm.err")")" \
    -v b="$(per_req_us "$(cpu_s "$TMP/t.wrk")" "$wrk_n")" 'BEGIN { printf "%.3f", a / b }')"
  echo "run $run/$RUNS: req/s wrk $wrk_rps_v hey $hey_rps_v smart-measure $sm_rps_v" >&2
done

# Stall: SIGSTOP the worker for 0.5 s, 1.5 s into a 4 s run.
worker=$(pgrep -P "$(cat "$TMP/nginx/nginx.pid")" | head -1)
[ -n "$worker" ] || fail "no nginx worker found"
stall() { sleep 1.5; kill -STOP "$worker"; sleep 0.5; kill -CONT "$worker"; }
for run in $(seq "$RUNS"); do
  stall & stall_pid=$!
  smart-measure "${SM_TLS[@]}" --url "$URL" --rate "$STALL_RATE" --concurrency "$CONNS" --duration 4s -o /dev/null 2>"$TMP/stall_open"
  wait "$stall_pid"
  record stall.open_loop.p99_ms "$(sm_pct 99 "$TMP/stall_open")"
  record stall.open_loop.p50_ms "$(sm_pct 50 "$TMP/stall_open")"
  stall & stall_pid=$!
  smart-measure "${SM_TLS[@]}" --url "$URL" --concurrency "$CONNS" --duration 4s -o /dev/null 2>"$TMP/stall_closed"
  wait "$stall_pid"
  record stall.closed_loop.p99_ms "$(sm_pct 99 "$TMP/stall_closed")"
  stall & stall_pid=$!
  wrk -t1 -c"$CONNS" -d4s --latency "$URL" >"$TMP/stall_wrk" 2>&1
  wait "$stall_pid"
  record stall.wrk_closed_loop.p99_ms "$(wrk_pct 99 "$TMP/stall_wrk")"
  # No stall, same rate: the baseline the stall is seen against.
  smart-measure "${SM_TLS[@]}" --url "$URL" --rate "$STALL_RATE" --concurrency "$CONNS" --duration 4s -o /dev/null 2>"$TMP/nostall"
  record nostall.open_loop.p99_ms "$(sm_pct 99 "$TMP/nostall")"
done

# Peak RSS: a short run and a long one; equal peaks mean no growth.
short=$(awk -v d="$(secs "$RSS_DURATION")" 'BEGIN { printf "%gs", d / 5 }')
for d in "$short" "$RSS_DURATION"; do
  timed "$TMP/t.rss" smart-measure "${SM_TLS[@]}" --url "$URL" --concurrency "$CONNS" --duration "$d" -o /dev/null
  record "rss_mb.closed_c${CONNS}.$d" "$(rss_mb "$TMP/t.rss")"
  timed "$TMP/t.rss" smart-measure "${SM_TLS[@]}" --url "$URL" --rate 10000 --concurrency "$CONNS" --duration "$d" -o /dev/null
  record "rss_mb.rate10000.$d" "$(rss_mb "$TMP/t.rss")"
  record "rps.rate10000.$d" "$(sm_rps "$TMP/timed.err")"
done
timed "$TMP/t.rss" wrk -t1 -c"$CONNS" -d"$short" "$URL"
record "rss_mb.wrk_c${CONNS}.$short" "$(rss_mb "$TMP/t.rss")"

echo "smart-measure load mode vs wrk and hey over $SCHEME: $RUNS runs of $DURATION at $CONNS connections, $THREADS thread(s), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
summarize
