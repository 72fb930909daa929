#!/usr/bin/env bash
# The coach only in the true gray zone, on a real loopback nginx: a coach
# that answers keep 0.99 to every question, and 20 A/A runs (a variant
# whose apply and revert change nothing) keep nothing — an A/A verdict is
# never borderline, so the coach is not even asked (with 4 block pairs the
# loopback noise puts the estimate above 10 % in about half the runs, with
# an interval open to any loss: not the gray zone). That a gray-zone
# variant is asked is run-coach-borderline's test.
# Short runs to stay within about 3 minutes: 2 s a variant in 0.5 s blocks.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/experiment.sh"
. "$SMART_SOURCE_DIR/test/lib/coach.sh"
. "$SMART_SOURCE_DIR/test/lib/run.sh"
command -v jq >/dev/null || skip "jq is not installed"
exp_need_smart_run
command -v python3 >/dev/null || skip "python3 is not installed"

exp_start_nginx
mkdir -p "$TMP/exp/noop"
cat >"$TMP/exp/noop/meta.json" <<JSON
{
  "id": "noop",
  "description": "A/A: apply and revert change nothing",
  "variants": [{"name": "baseline", "apply": "true"}, {"name": "same", "apply": "true"}],
  "revert": "true",
  "target_url": "$NGINX_URL",
  "measure_interval_sec": 0.01,
  "variant_seconds": 2,
  "block_seconds": 0.5,
  "warmup_seconds": 0
}
JSON
start_coach --ask-verdict keep --ask-confidence 0.99
plain_conf "$TMP/smart.conf" "$TMP/exp"
{ echo "COACH_URL=http://127.0.0.1:$COACH_PORT/api"; echo "COACH_TIMEOUT=3s"; } >>"$TMP/smart.conf"
asks() { requests '[.[] | select(.path | endswith("/ask"))] | length'; }

state=$TMP/base/var/state.json
kept=0 borderline=0 inconclusive=0
for i in $(seq 1 20); do
  expect_exit 0 smart-run --config "$TMP/smart.conf" noop
  [ "$(jq -r .kept_variant "$state")" = none ] || kept=$((kept + 1))
  [ "$(jq -r .variants[0].borderline "$state")" = false ] || borderline=$((borderline + 1))
  [ "$(jq -r .variants[0].outcome "$state")" != inconclusive ] || inconclusive=$((inconclusive + 1))
done
echo "20 A/A runs on nginx: $kept kept, $borderline borderline, $inconclusive inconclusive, coach asked $(asks) times" >&2
expect_eq "$kept" 0 "A/A runs kept by an always-keep coach"
expect_eq "$borderline" 0 "A/A verdicts called borderline"
expect_eq "$(asks)" 0 "the coach was asked about an A/A comparison"

