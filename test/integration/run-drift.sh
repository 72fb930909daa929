#!/usr/bin/env bash
# Drift: the target's latency falls steadily during the run and the
# variant changes nothing. The sequential design (baseline, then variant) sees
# the drift as an improvement and keeps the variant; the interleaved design
# (ABBA blocks, paired analysis) does not.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/run.sh"
command -v python3 >/dev/null || skip "python3 is not installed"
command -v jq >/dev/null || skip "jq is not installed"

mkdir -p "$TMP/exp/drift"
plain_conf "$TMP/smart.conf" "$TMP/exp"
server_pid=
start_server() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  port=$(free_port)
  # 80 ms falling 4 ms a second, for at most 60 s.
  python3 "$SMART_SOURCE_DIR/test/lib/drift_server.py" "$port" 80 4 5 60 &
  server_pid=$!
  wait_for curl -fsS -o /dev/null "http://127.0.0.1:$port/"
}
on_exit '[ -n "$server_pid" ] && kill $server_pid'
write_meta() {
  cat >"$TMP/exp/drift/meta.json" <<JSON
{"id": "drift", "variants": [{"name": "no_change", "apply": "true"}], "revert": "true",
 "target_url": "http://127.0.0.1:$port/", "measure_interval_sec": 0.1, "cooldown_seconds": 0, "load": {"concurrency": 4}}
JSON
}

start_server; write_meta
expect_exit 0 smart-run --config "$TMP/smart.conf" --design sequential --baseline-seconds 5s --variant-seconds 5s drift
expect_eq "$(jq -r .kept_variant "$TMP/base/var/state.json")" no_change "sequential: drift looks like a gain"

start_server; write_meta
expect_exit 0 smart-run --config "$TMP/smart.conf" --design interleaved --variant-seconds 8s --block-seconds 1s \
  --warmup-seconds 0 drift
state=$TMP/base/var/state.json
expect_eq "$(jq -r .design "$TMP/base/var/runs/$(jq -r .run_id "$state")/summary.json")" interleaved
expect_eq "$(jq -r .kept_variant "$state")" none "interleaved: drift cancels"
