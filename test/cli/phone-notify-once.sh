#!/usr/bin/env bash
# Alerts reach a real webhook receiver exactly once per run and event: queued
# while the receiver is down (exit 75), delivered when it is back, never
# again after a restart of the receiver or a repeated --notify. Slack and
# Discord payloads by NOTIFY_FORMAT, NOTIFY_COMMAND as a second channel.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/coach.sh"

R1=20261122T200000Z R2=20261122T203000Z R3=20261122T210000Z
make_state "$TMP/base" $R1 $R2 $R3
set_status() { # RUN STATUS KEPT
  local f=$TMP/base/var/runs/$1/summary.json
  jq -c --arg s "$2" --arg k "$3" '.status = $s | .kept_variant = $k' "$f" >"$f.new" && mv "$f.new" "$f"
  jq -c . "$f" >>"$TMP/base/var/history.jsonl"
}
set_status $R1 failed none
set_status $R2 revert_failed none
set_status $R3 kept workers_2

PORT=$(free_port)   # nothing listens yet: connection refused
conf() { phone_conf "$TMP/smart.conf" "" "NOTIFY_URL=http://127.0.0.1:$PORT/hook" "$@"; }
conf
expect_exit 75 smart-phone --config "$TMP/smart.conf" --notify $R2
expect_in "$TMP/err" "not delivered"
expect_eq "$(find "$TMP/base/var/notify" -maxdepth 1 -name '*.json' | wc -l)" 2 "queued alerts"
# Asking again while they wait queues nothing more.
expect_exit 75 smart-phone --config "$TMP/smart.conf" --notify $R2
expect_eq "$(find "$TMP/base/var/notify" -maxdepth 1 -name '*.json' | wc -l)" 2 "queued alerts"

start_coach --port "$PORT" --mode ok
expect_exit 0 smart-phone --config "$TMP/smart.conf" --notify --flush
expect_eq "$(requests '[.[].headers["idempotency-key"]] | sort')" \
  "$(jq -cn --arg r $R2 '[$r + ".failed_twice", $r + ".revert_failed"]')"
expect_eq "$(requests '[.[].body.event] | sort')" '["failed_twice","revert_failed"]'
expect_eq "$(requests '[.[].body.run_id] | unique')" "[\"$R2\"]"
expect_eq "$(requests '[.[].path] | unique')" '["/hook"]'
expect_eq "$(find "$TMP/base/var/notify" -maxdepth 1 -name '*.json' | wc -l)" 0 "left in the outbox"

# The receiver restarts; the same run asked about again sends nothing.
stop_coach
start_coach --port "$PORT" --mode ok
expect_exit 0 smart-phone --config "$TMP/smart.conf" --notify $R2
expect_exit 0 smart-phone --config "$TMP/smart.conf" --notify --flush
expect_eq "$(requests 'length')" 2 "deliveries after a restart and a repeat"

# A keep alerts only with NOTIFY_ON_KEEP=1.
expect_exit 0 smart-phone --config "$TMP/smart.conf" --notify $R3
expect_eq "$(requests 'length')" 2 "a keep without NOTIFY_ON_KEEP"
conf NOTIFY_ON_KEEP=1 NOTIFY_FORMAT=slack
expect_exit 0 smart-phone --config "$TMP/smart.conf" --notify $R3
expect_eq "$(requests 'length')" 3
expect_in <(requests '.[-1].body.text') "kept workers_2"
expect_eq "$(requests '.[-1].body | keys')" '["text"]'

# Discord, and NOTIFY_COMMAND as a channel of its own (the payload in the
# environment, exit 0 = delivered).
cat >"$TMP/alert.sh" <<'SH'
#!/bin/sh
echo "$SMART_NOTIFY_KEY $SMART_NOTIFY_PAYLOAD" >>"$(dirname "$0")/alerts.txt"
SH
chmod +x "$TMP/alert.sh"
rm -rf "$TMP/base/var/notify"
conf NOTIFY_FORMAT=discord "NOTIFY_COMMAND=$TMP/alert.sh"
expect_exit 0 smart-phone --config "$TMP/smart.conf" --notify $R2
expect_eq "$(requests '[.[3:][] | .body | keys] | unique')" '[["content"]]'
expect_eq "$(requests '.[3:] | length')" 2
expect_eq "$(cut -d' ' -f1 "$TMP/alerts.txt" | sort | tr '\n' ' ')" "$R2.failed_twice $R2.revert_failed "
expect_exit 0 smart-phone --config "$TMP/smart.conf" --notify $R2
expect_eq "$(wc -l <"$TMP/alerts.txt")" 2 "command alerts after a repeat"

# Bad configuration: exit 2, nothing queued.
rm -rf "$TMP/base/var/notify"
conf NOTIFY_FORMAT=teams
expect_exit 2 smart-phone --config "$TMP/smart.conf" --notify $R2
expect_in "$TMP/err" "NOTIFY_FORMAT"
test ! -e "$TMP/base/var/notify" || fail "queued despite a bad NOTIFY_FORMAT"
