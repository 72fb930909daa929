# smart-run tests: a plain experiment whose commands only touch files in its
# own directory, so the safety behaviours can be tested without nginx where
# nginx is not the point. Sourced after common.sh.
#
#   plain_experiment DIR ID [JQ_FILTER]
#       writes DIR/ID/meta.json: variants "fast" and "slow"; apply writes the
#       variant's name to DIR/ID/state, revert writes "baseline"; the
#       experiment's own measure command (measure.sh) writes one row every
#       50 ms for $SMART_DURATION seconds, latency from DIR/ID/latency.<state>
#       (default 10) and code from DIR/ID/code.<state> (default 200);
#       DIR/ID/burst rows at a time if that file exists (more samples).
#       JQ_FILTER edits the meta.json (e.g. '.revert = "exit 1"').
#   plain_conf FILE DIR   smart.conf with BASE_DIR under $TMP, EXPERIMENTS_DIR=DIR
#   state_of EXPDIR       the current state ("baseline" or a variant)
#   wait_paused PID PHASE ERRFILE
#       waits (30 s at most) until smart-run PID, started with
#       SMART_TEST_PAUSE_AT=PHASE, has stopped itself there; fails naming
#       PHASE if it ended first (ERRFILE, its stderr, is shown) or never got
#       there. The hook stops at every occurrence of the phase.

plain_experiment() {
  local dir=$1/$2 id=$2 filter=${3:-.}
  mkdir -p "$dir"
  echo baseline >"$dir/state"
  cat >"$dir/measure.sh" <<'SH'
#!/bin/sh
# One row every 50 ms for $SMART_DURATION seconds (bounded).
n=$(awk -v d="${SMART_DURATION:-1}" 'BEGIN { n = int(d / 0.05); if (n < 1) n = 1; print n }')
echo timestamp,latency_ms,response_code >"$SMART_OUTPUT"
# Shell builtins (read) rather than cat: one fork a row (date), so the loop
# keeps close to its duration on a loaded machine.
burst=1; [ -r burst ] && read -r burst <burst
i=0
while [ "$i" -lt "$n" ]; do
  read -r s <state
  lat=10; [ -r "latency.$s" ] && read -r lat <"latency.$s"
  code=200; [ -r "code.$s" ] && read -r code <"code.$s"
  now=$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)
  k=0
  while [ "$k" -lt "$burst" ]; do
    echo "$now,$lat,$code" >>"$SMART_OUTPUT" || exit 1 # a full disk, say
    k=$((k + 1))
  done
  i=$((i + 1))
  sleep 0.05
done
SH
  cat >"$dir/meta.json.in" <<JSON
{
  "id": "$id",
  "description": "plain test experiment",
  "variants": [
    {"name": "baseline", "apply": "true"},
    {"name": "fast", "apply": "echo \"\$SMART_VARIANT\" > state"},
    {"name": "slow", "apply": ["/bin/sh", "-c", "echo slow > state"]}
  ],
  "revert": "echo baseline > state",
  "measure": ["/bin/sh", "measure.sh"],
  "design": "sequential",
  "baseline_seconds": 1,
  "variant_seconds": 1,
  "cooldown_seconds": 0,
  "timeout_seconds": 10
}
JSON
  jq "$filter" "$dir/meta.json.in" >"$dir/meta.json"
  rm "$dir/meta.json.in"
}

plain_conf() {
  cat >"$1" <<CONF
BASE_DIR=$TMP/base
EXPERIMENTS_DIR=$2
SMART_BIN_DIR=$SMART_BUILD_DIR/tools
RETAIN_DAYS=0
CONF
}

state_of() { cat "$1/state"; }

# wait_until CMD...: like wait_for but up to 30 s (a run in progress).
wait_until() {
  local i
  for i in $(seq 1 600); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.05
  done
  fail "timed out waiting for: $*"
}

# run_file_nonempty RUNS_DIR NAME: some run directory holds a non-empty NAME.
run_file_nonempty() {
  local f
  for f in "$1"/*/"$2"; do
    [ -s "$f" ] && return 0
  done
  return 1
}

wait_paused() {
  local pid=$1 phase=$2 err=$3
  for _ in $(seq 1 600); do
    [ "$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null)" = T ] && return 0
    kill -0 "$pid" 2>/dev/null || {
      cat "$err" >&2
      fail "$phase: smart-run ended before the phase"
    }
    sleep 0.05
  done
  fail "$phase: smart-run never reached the phase"
}
