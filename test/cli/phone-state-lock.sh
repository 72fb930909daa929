#!/usr/bin/env bash
# Advice is merged into state.json under smart.lock: when our parent (smart-run)
# holds the lock it is merged; when someone else holds it, only coach.json is
# written, with a warning; a state.json about a newer run is left alone.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/coach.sh"

OLD=20261122T200000Z
RUN=20261122T232318Z
make_state "$TMP/base" "$OLD" "$RUN"
start_coach --mode ok --advice "the advice"
phone_conf "$TMP/smart.conf" "http://127.0.0.1:$COACH_PORT/"
LOCK=$TMP/base/var/smart.lock

# Our parent holds the lock with its pid in it, as smart-run does.
python3 - "$LOCK" "$(command -v smart-phone)" "$TMP/smart.conf" "$RUN" <<'PY' >"$TMP/out" 2>"$TMP/err"
import fcntl, os, subprocess, sys
lock, phone, conf, run = sys.argv[1:]
fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
os.write(fd, f"{os.getpid()}\n".encode())
sys.exit(subprocess.run([phone, "--config", conf, run]).returncode)
PY
RC=$?
expect_eq "$RC" 0 "exit code with the parent holding the lock"
expect_eq "$(jq -r .coach.advice "$TMP/base/var/state.json")" "the advice"

# Someone else holds it: coach.json only.
jq -c 'del(.coach)' "$TMP/base/var/state.json" >"$TMP/s" && mv "$TMP/s" "$TMP/base/var/state.json"
rm "$TMP/base/var/runs/$RUN/coach.json"
hold_lock "$LOCK"
expect_exit 0 smart-phone --config "$TMP/smart.conf" "$RUN"
expect_in "$TMP/err" "locked by another smart process"
expect_eq "$(jq -r .advice "$TMP/base/var/runs/$RUN/coach.json")" "the advice"
expect_eq "$(jq 'has("coach")' "$TMP/base/var/state.json")" false
release_lock

# An older run's advice goes to its coach.json, not to state.json (and
# smart-phone never writes summary.json: smart-run's).
cp "$TMP/base/var/runs/$OLD/summary.json" "$TMP/old-summary.json"
expect_exit 0 smart-phone --config "$TMP/smart.conf" "$OLD"
expect_eq "$(jq -r .advice "$TMP/base/var/runs/$OLD/coach.json")" "the advice"
cmp -s "$TMP/old-summary.json" "$TMP/base/var/runs/$OLD/summary.json" || fail "summary.json rewritten"
expect_eq "$(jq 'has("coach")' "$TMP/base/var/state.json")" false
expect_eq "$(jq -r .run_id "$TMP/base/var/state.json")" "$RUN"
