#!/usr/bin/env bash
# Soak: N consecutive short runs (default 200) with the timer's command line,
# `smart-run --next`, against a loopback nginx (experiment
# 002_nginx_keepalive, durations cut to half a second). After each run:
#   - smart-run's open files at its end (it stops itself just before
#     recording the run through the test hook SMART_TEST_PAUSE_AT=state-write,
#     the soak counts /proc/PID/fd, then lets it go on);
#   - its peak RSS (/usr/bin/time -v).
# At the end it checks: no growth in open files; peak RSS of the last runs
# within 20% of the first ones; N history entries; retention (RETAIN_RUNS=10)
# keeping the run directories bounded; the dashboard still renders (its time
# printed). Figures go to stdout; the last line is a one-line summary.
#   usage: test/soak/soak.sh [N]     (ctest runs a short one: N=15)
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/experiment.sh"
. "$SMART_SOURCE_DIR/test/lib/run.sh"
N=${1:-200}
[[ $N =~ ^[1-9][0-9]*$ ]] || fail "usage: soak.sh [N] (a positive number of runs)"
[ -x /usr/bin/time ] || fail "/usr/bin/time is needed (Debian package time)"
exp_need_nginx
exp_start_nginx
exp_copy_for_test "$SMART_SOURCE_DIR/experiments/002_nginx_keepalive" "$TMP/exp/002_nginx_keepalive" "$NGINX_URL" "$TMP/smart.conf"
jq '.design = "sequential" | .baseline_seconds = 0.5 | .variant_seconds = 0.5 | .cooldown_seconds = 0' \
  "$TMP/exp/002_nginx_keepalive/meta.json" >"$TMP/m" && mv "$TMP/m" "$TMP/exp/002_nginx_keepalive/meta.json"
cat >>"$TMP/smart.conf" <<CONF
RECHECK_DAYS=0
RETAIN_DAYS=0
RETAIN_RUNS=10
CONF
var=$TMP/base/var

stopped() { [ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" = T ]; }
fds=()
rss=()
start=$(date +%s)
for i in $(seq 1 "$N"); do
  SMART_TEST_PAUSE_AT=state-write /usr/bin/time -v -o "$TMP/time" \
    smart-run --config "$TMP/smart.conf" --next >"$TMP/out" 2>"$TMP/err" &
  timer=$!
  pid=
  for k in $(seq 1 1200); do
    pid=$(ps -o pid= --ppid "$timer" | tr -d ' ' || true)
    [ -n "$pid" ] && stopped "$pid" && break
    kill -0 "$timer" 2>/dev/null || break
    sleep 0.05
  done
  [ -n "$pid" ] && stopped "$pid" || { cat "$TMP/err" >&2; fail "run $i: never reached its end"; }
  fds+=("$(ls "/proc/$pid/fd" | wc -l)")
  kill -CONT "$pid"
  wait "$timer" || { cat "$TMP/err" >&2; fail "run $i: exit $?"; }
  rss+=("$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$TMP/time")")
  if [ $((i % 10)) -eq 0 ]; then
    echo "run $i: open files ${fds[i - 1]}, peak RSS ${rss[i - 1]} KiB, $(($(date +%s) - start))s"
  fi
done
elapsed=$(($(date +%s) - start))

echo "runs: $N in ${elapsed}s"
echo "open files at a run's end: first ${fds[0]}, last ${fds[N - 1]}, max $(printf '%s\n' "${fds[@]}" | sort -n | tail -1)"
k=$((N < 5 ? N : 5))
first=$(printf '%s\n' "${rss[@]:0:k}" | sort -n | tail -1)
last=$(printf '%s\n' "${rss[@]:N-k:k}" | sort -n | tail -1)
echo "peak RSS (KiB): max of the first $k runs $first, of the last $k $last, ratio $(awk -v a="$last" -v b="$first" 'BEGIN { printf "%.3f", a / b }')"
[ "${fds[N - 1]}" -le "${fds[0]}" ] || fail "open files grew: ${fds[0]} -> ${fds[N - 1]}"
awk -v a="$last" -v b="$first" 'BEGIN { exit !(a <= 1.2 * b) }' || fail "peak RSS grew more than 20%: $first -> $last KiB"
entries=$(wc -l <"$var/history.jsonl")
expect_eq "$entries" "$N" "history entries"
dirs=$(find "$var/runs" -mindepth 1 -maxdepth 1 -type d | wc -l)
echo "run directories kept: $dirs (RETAIN_RUNS=10); state directory $(du -sk "$TMP/base" | cut -f1) KiB"
[ "$dirs" -le 11 ] || fail "retention: $dirs run directories"
t0=$(date +%s%N)
expect_exit 0 smart-dashboard --config "$TMP/smart.conf"
t1=$(date +%s%N)
[ -s "$TMP/base/www/index.html" ] || fail "the dashboard wrote no index.html"
echo "dashboard over $entries history entries: $(((t1 - t0) / 1000000)) ms"
echo "soak: $N runs, ${elapsed}s, open files ${fds[0]} -> ${fds[N - 1]}, peak RSS $first -> $last KiB, history $entries, run dirs $dirs"
