# Helpers for smart-phone's tests: a scripted coach (coach_server.py) on
# 127.0.0.1, and a hand-made state directory per docs/formats.md.

# start_coach ARGS...: starts the server in the background; sets COACH_PORT,
# COACH_PID and COACH_LOG (one JSON line per request). Stopped at exit.
start_coach() {
  local n=${_coach_n:-0}
  _coach_n=$((n + 1))
  COACH_LOG=${COACH_LOG:-$TMP/coach-requests.jsonl}
  local port_file=$TMP/coach-port.$n
  rm -f "$port_file"
  python3 "$SMART_SOURCE_DIR/test/lib/coach_server.py" --log "$COACH_LOG" --port-file "$port_file" "$@" \
    >"$TMP/coach-server.$n.out" 2>&1 &
  COACH_PID=$!
  on_exit "kill $COACH_PID 2>/dev/null"
  wait_for test -s "$port_file"
  COACH_PORT=$(cat "$port_file")
}

stop_coach() {
  kill "$COACH_PID" 2>/dev/null || true
  wait "$COACH_PID" 2>/dev/null || true
}

# requests [JQ-FILTER]: the recorded requests (jq -s applied to the log).
requests() {
  if [ ! -s "$COACH_LOG" ]; then echo "${2:-0}"; return; fi
  jq -c -s "$1" "$COACH_LOG"
}

# make_state DIR RUN_ID...: a state directory with one finished run per id
# (summary.json per docs/formats.md) and state.json naming the last one.
make_state() {
  local dir=$1; shift
  mkdir -p "$dir/var/runs"
  local id
  for id in "$@"; do
    mkdir -p "$dir/var/runs/$id"
    cat >"$dir/var/runs/$id/summary.json" <<JSON
{"run_id": "$id", "experiment": "001_nginx_workers", "description": "Tune nginx worker_processes",
 "status": "reverted", "kept_variant": "none", "reason": "workers_2: p50 improved 3.1% < 10%",
 "started_at": "2026-11-22T23:23:18Z", "finished_at": "2026-11-22T23:33:27Z", "duration_s": 609.2,
 "host": "web-1", "strategy": "first-winner", "design": "sequential",
 "baseline": {"n": 300, "err_pct": 0.0, "p50_ms": 17.0, "p95_ms": 23.1, "p99_ms": 30.2, "mean_ms": 17.8},
 "variants": [{"name": "workers_2", "outcome": "revert", "reasons": ["p50 improved 3.1% < 10%"],
   "borderline": false, "stats": {"n": 300, "err_pct": 0.0, "p50_ms": 16.5, "p95_ms": 22.0, "p99_ms": 29.0, "mean_ms": 17.1},
   "improve_pct": 3.1, "err_delta_pct": 0.0, "decision_file": "workers_2.decision.json", "samples_file": "workers_2.csv"}]}
JSON
  done
  cat >"$dir/var/state.json" <<JSON
{"run_id": "$id", "experiment": "001_nginx_workers", "kept_variant": "none",
 "metrics": {"base_p50_ms": 17.0, "var_p50_ms": 16.5, "base_err_pct": 0.0, "var_err_pct": 0.0},
 "updated_at": "2026-11-22T23:33:27Z", "status": "reverted", "reason": "workers_2: p50 improved 3.1% < 10%",
 "variants": []}
JSON
}

# make_decision RUN_DIR VARIANT: a borderline decision JSON per docs/formats.md.
make_decision() {
  mkdir -p "$1"
  cat >"$1/$2.decision.json" <<JSON
{"decision": "inconclusive", "verdict": "revert", "borderline": true, "rule": "smart", "metric": "p50",
 "baseline": {"file": "baseline.csv", "n": 300, "n_good": 300, "n_errors": 0, "err_pct": 0.0, "p50_ms": 45.0, "p95_ms": 60.0},
 "variant": {"file": "$2.csv", "n": 300, "n_good": 300, "n_errors": 0, "err_pct": 0.0, "p50_ms": 38.0, "p95_ms": 52.0},
 "improve_pct": 15.5, "err_delta_pct": 0.0,
 "thresholds": {"improve_pct": 10, "max_err_delta_pct": 2, "min_samples": 10, "confidence": 0.95},
 "reasons": ["p50 improved 15.5% but the 95% interval reaches 4%"], "decided_by": "interval"}
JSON
}

# phone_conf FILE URL [KEY=VALUE...]: a smart.conf for BASE_DIR=$TMP/base.
phone_conf() {
  local file=$1 url=$2; shift 2
  {
    echo "BASE_DIR=$TMP/base"
    echo "COACH_URL=$url"
    local kv
    for kv in "$@"; do echo "$kv"; done
  } >"$file"
}

# hold_lock FILE: holds flock(FILE) in a background process (HOLDER) until
# release_lock; the holder itself holds it, so killing it frees the lock.
hold_lock() {
  python3 -c 'import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o644)
fcntl.flock(fd, fcntl.LOCK_EX)
time.sleep(60)' "$1" &
  HOLDER=$!
  on_exit "kill $HOLDER 2>/dev/null"
  wait_for sh -c "! flock -n '$1' true"
}
release_lock() {
  kill "$HOLDER" 2>/dev/null || true
  wait "$HOLDER" 2>/dev/null || true
}
