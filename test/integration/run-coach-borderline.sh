#!/usr/bin/env bash
# The borderline coach hook: when smart-decide's verdict is borderline and
# COACH_URL is set, smart-run asks smart-phone --ask; only a keep with
# confidence >= COACH_MIN_CONFIDENCE keeps the variant. A weak answer or no
# answer (coach down) leaves it reverted, and the run still succeeds. The
# exchange is in coach-exchange.log.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/coach.sh"
. "$SMART_SOURCE_DIR/test/lib/run.sh"
command -v jq >/dev/null || skip "jq is not installed"
command -v python3 >/dev/null || skip "python3 is not installed"

# The gray zone: both variants about 40 % faster (noisy latencies around
# 6 ms against 10 ms, no errors) in 6 block pairs, but each variant's first
# two blocks are 10 % slower than the baseline (11 ms): 4 of 6 pairs favour
# it, the paired interval (finite: 6 pairs can bound a loss) reaches below
# 0 while its estimate is worth keeping, and the tails stay within
# tolerance (the slow blocks are a third of the variant's samples): an
# inconclusive verdict with bounded errors and tails, borderline. (With 4
# pairs the interval is open to any loss and nothing is borderline: see
# run-coach-aa-nginx.)
plain_experiment "$TMP/exp" plain '.design = "interleaved" | .variant_seconds = 3 | .block_seconds = 0.5 | .warmup_seconds = 0'
cat >"$TMP/exp/plain/measure.sh" <<'SH'
#!/bin/sh
# 20 rows per 100 ms of $SMART_DURATION around latency.<state> (default 10),
# lognormal, sigma 0.3; then waits out the duration. The noise is the same
# in every run: its generator (Park-Miller, exact in awk's doubles, so any
# awk gives the same numbers) is seeded by the call's number in the run, so
# a verdict does not depend on the luck of the draw.
read -r s <state
lat=10; [ -r "latency.$s" ] && read -r lat <"latency.$s"
call=0; [ -r "calls.$SMART_RUN_ID" ] && read -r call <"calls.$SMART_RUN_ID"
call=$((call + 1)); echo "$call" >"calls.$SMART_RUN_ID"
# The variant's first two blocks of each run are slower than the baseline.
if [ "$s" != baseline ] && [ -r "latency.$s" ]; then
  seen=0; [ -r "seen.$s.$SMART_RUN_ID" ] && read -r seen <"seen.$s.$SMART_RUN_ID"
  echo $((seen + 1)) >"seen.$s.$SMART_RUN_ID"
  [ "$seen" -lt 2 ] && lat=11
fi
awk -v d="${SMART_DURATION:-1}" -v lat="$lat" -v call="$call" '
function uniform() { x = (x * 16807) % 2147483647; return x / 2147483647 }
BEGIN {
  x = 1000 + call * 7919; n = int(d * 200); if (n < 1) n = 1
  print "timestamp,latency_ms,response_code"
  for (i = 0; i < n; i++) {
    z = sqrt(-2 * log(1 - uniform())) * cos(6.283185307 * uniform())
    printf "2026-11-29T10:00:00.000Z,%.3f,200\n", lat * exp(0.3 * z)
  }
}' >"$SMART_OUTPUT"
sleep "${SMART_DURATION:-1}"
SH
echo 6 >"$TMP/exp/plain/latency.fast"
echo 6 >"$TMP/exp/plain/latency.slow"
state=$TMP/base/var/state.json
conf() {
  plain_conf "$TMP/smart.conf" "$TMP/exp"
  { echo "COACH_URL=$1"; echo "COACH_TIMEOUT=3s"; echo "COACH_MIN_CONFIDENCE=0.8"; } >>"$TMP/smart.conf"
}
asks() { requests '[.[] | select(.path | endswith("/ask"))] | length'; }

# No coach: borderline stays revert, nobody is asked.
plain_conf "$TMP/smart.conf" "$TMP/exp"
expect_exit 0 smart-run --config "$TMP/smart.conf" plain
dir=$TMP/base/var/runs/$(jq -r .run_id "$state")
expect_eq "$(jq -r .variants[0].borderline "$state")" true "the faster variant is borderline"
expect_eq "$(jq -r .kept_variant "$state")" none
[ ! -e "$dir/coach-exchange.log" ] || fail "asked a coach that is not configured"

# A confident keep keeps it.
start_coach --ask-verdict keep --ask-confidence 0.9
conf "http://127.0.0.1:$COACH_PORT/api"
expect_exit 0 smart-run --config "$TMP/smart.conf" plain
dir=$TMP/base/var/runs/$(jq -r .run_id "$state")
expect_eq "$(jq -r .kept_variant "$state")" fast
expect_eq "$(state_of "$TMP/exp/plain")" fast "the kept variant stays applied"
expect_eq "$(asks)" 1
expect_eq "$(requests '[.[] | select(.path | endswith("/ask"))][0].body.variant')" '"fast"'
expect_in "$dir/coach-exchange.log" "fast: borderline"
expect_in "$dir/coach-exchange.log" '"verdict":"keep"'
expect_in "$dir/coach-exchange.log" "kept"
jq -e '.variants[0].reasons | any(startswith("coach: keep (confidence 0.90"))' "$state" >/dev/null \
  || fail "the coach's part is not in the reasons"
stop_coach
echo baseline >"$TMP/exp/plain/state"

# A keep below COACH_MIN_CONFIDENCE does not.
rm -f "$COACH_LOG"
start_coach --ask-verdict keep --ask-confidence 0.5
conf "http://127.0.0.1:$COACH_PORT/api"
expect_exit 0 smart-run --config "$TMP/smart.conf" plain
expect_eq "$(jq -r .kept_variant "$state")" none
expect_eq "$(state_of "$TMP/exp/plain")" baseline
expect_eq "$(asks)" 2 "both variants asked"
# Block numbers run on across the run: the second variant's pairs are 7..12.
dir=$TMP/base/var/runs/$(jq -r .run_id "$state")
expect_eq "$(tail -n +2 "$dir/slow.csv" | cut -d, -f4 | sort -nu | tr '\n' ' ')" "7 8 9 10 11 12 "
expect_eq "$(tail -n +2 "$dir/slow.baseline.csv" | cut -d, -f4 | sort -nu | tr '\n' ' ')" "7 8 9 10 11 12 "
expect_eq "$(tail -n +2 "$dir/baseline.csv" | cut -d, -f4 | sort -nu | tr '\n' ' ')" "1 2 3 4 5 6 7 8 9 10 11 12 "
stop_coach

# The coach is down: no answer => revert, within COACH_TIMEOUT, run succeeds.
conf "http://127.0.0.1:$(free_port)/api"
start=$(date +%s)
expect_exit 0 smart-run --config "$TMP/smart.conf" plain
[ $(($(date +%s) - start)) -le 30 ] || fail "the coach question was not bounded by COACH_TIMEOUT"
expect_eq "$(jq -r .kept_variant "$state")" none
dir=$TMP/base/var/runs/$(jq -r .run_id "$state")
expect_in "$dir/coach-exchange.log" "no answer"

# A/A: variants no faster than the baseline are not borderline, so a coach
# that always answers keep 0.99 is never asked and nothing is kept.
rm -f "$TMP/exp/plain/latency.fast" "$TMP/exp/plain/latency.slow"
echo baseline >"$TMP/exp/plain/state"
rm -f "$COACH_LOG"
start_coach --ask-verdict keep --ask-confidence 0.99
conf "http://127.0.0.1:$COACH_PORT/api"
expect_exit 0 smart-run --config "$TMP/smart.conf" plain
expect_eq "$(jq -r .kept_variant "$state")" none
expect_eq "$(asks)" 0 "a coach asked about an A/A comparison"
expect_eq "$(jq -r '[.variants[].borderline] | unique | join(" ")' "$state")" false
stop_coach
