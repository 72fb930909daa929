#!/usr/bin/env bash
# --heartbeat posts host metrics (CPU, memory, disk, load, uptime) and the
# dashboard's health to NOTIFY_URL, keeps the last one in
# VAR_DIR/heartbeat.json, and says so (75) when the receiver is down.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/coach.sh"

make_state "$TMP/base" 20261122T200000Z
mkdir -p "$TMP/base/www"
echo '{"status": "failing", "consecutive_failures": 2, "message": "Two runs failed."}' >"$TMP/base/www/health.json"
start_coach --mode ok
phone_conf "$TMP/smart.conf" "" "NOTIFY_URL=http://127.0.0.1:$COACH_PORT/beat"
expect_exit 0 smart-phone --config "$TMP/smart.conf" --heartbeat
expect_eq "$(requests 'length')" 1
expect_eq "$(requests '.[0].body.event')" '"heartbeat"'
expect_eq "$(requests '.[0].body.health.status')" '"failing"'
for field in cpu_pct mem_pct disk_pct uptime_s; do
  expect_eq "$(requests ".[0].body.$field | type")" '"number"' "$field"
done
expect_eq "$(requests '.[0].body.load | length')" 3
expect_eq "$(jq -r .event "$TMP/base/var/heartbeat.json")" heartbeat

phone_conf "$TMP/smart.conf" "" "NOTIFY_URL=http://127.0.0.1:$COACH_PORT/beat" NOTIFY_FORMAT=slack
expect_exit 0 smart-phone --config "$TMP/smart.conf" --heartbeat
expect_in <(requests '.[1].body.text') "health failing"

stop_coach
expect_exit 75 smart-phone --config "$TMP/smart.conf" --heartbeat
expect_in "$TMP/err" "heartbeat not delivered"
expect_exit 2 smart-phone --config "$TMP/smart.conf" --heartbeat 20261122T200000Z
