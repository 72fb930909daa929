#!/usr/bin/env bash
# Passive measurement keeps a real improvement: smart-run judges an
# experiment from a real nginx's access log while smart-measure's load mode
# plays the users (a mix of pages, most of them the slow location). The
# variant takes away the 100 ms delay of the application behind /slow; each
# request counts for the block in force when it arrived. The log is rotated
# (rename + reopen) and gets a malformed line mid-run: the blocks after the
# rotation still see their requests, and the line is counted and named.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/measure.sh"
. "$SMART_SOURCE_DIR/test/lib/experiment.sh"
. "$SMART_SOURCE_DIR/test/lib/passive.sh"
exp_need_smart_run

passive_site
passive_experiment lift_delay "echo '$PASSIVE_FAST' > $TMP/nginx/slow.conf && sh reload.sh"
passive_users 120 16 /slow
passive_users 120 3 /small.html /page.html /big.html

# Mid-run, once the third block is being measured: logrotate's rename +
# create, nginx reopening on USR1, then a line in no format at all.
rotate() {
  local log
  for _ in $(seq 1 1200); do
    log=$(ls "$TMP"/base/var/runs/*/run.log 2>/dev/null | head -1) || true
    [ -n "$log" ] && grep -q 'block 2/' "$log" && break
    sleep 0.05
  done
  mv "$PASSIVE_LOG" "$PASSIVE_LOG.1"
  kill -USR1 "$(cat "$TMP/nginx/nginx.pid")"
  for _ in $(seq 1 200); do [ -s "$PASSIVE_LOG" ] && break; sleep 0.05; done
  echo 'a line in no format at all' >>"$PASSIVE_LOG"
}
rotate &
rotator=$!
on_exit "kill $rotator 2>/dev/null"

expect_exit 0 smart-run --config "$TMP/smart.conf" --json --variant-seconds 6s --block-seconds 1s lift_delay
cp "$TMP/out" "$TMP/summary.json"
wait "$rotator"
[ -e "$PASSIVE_LOG.1" ] || fail "the log was not rotated during the run"
expect_eq "$(jq -r .status "$TMP/summary.json")" kept "status"
expect_eq "$(jq -r .kept_variant "$TMP/summary.json")" v "kept variant"
expect_eq "$(passive_slow_conf)" "$PASSIVE_FAST" "the kept variant stays applied"
expect_eq "$(jq -r .passive.malformed_lines "$TMP/summary.json")" 1 "malformed lines"
expect_eq "$(jq -r .passive.first_malformed "$TMP/summary.json")" "a line in no format at all"
in_blocks=$(jq -r .passive.requests_in_blocks "$TMP/summary.json")
dropped=$(jq -r .passive.dropped_outside_blocks "$TMP/summary.json")
[ "$dropped" -gt 0 ] || fail "no request was dropped in the warm-ups after the switches"
run_dir=$(ls -d "$TMP"/base/var/runs/*/)
expect_in "$run_dir/run.log" "1 malformed lines skipped"
# Every block, before and after the rotation, has the requests that arrived
# in it: 6 pairs.
for file in v.csv v.baseline.csv; do
  blocks=$(tail -n +2 "$run_dir/$file" | awk -F, '{ print $NF }' | sort -u | wc -l)
  expect_eq "$blocks" 6 "blocks with requests in $file"
done
echo "passive: $in_blocks requests in blocks, $dropped dropped"
