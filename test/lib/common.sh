# Shared by every test/cli and test/integration script (and the demo's nginx).
# A script sources this, then runs its one behaviour. On failure the failing
# command and its output are printed and the temp dir is kept.
set -euo pipefail

SMART_SOURCE_DIR=${SMART_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
SMART_BUILD_DIR=${SMART_BUILD_DIR:-$SMART_SOURCE_DIR/build}
export PATH="$SMART_BUILD_DIR/tools:$PATH"
export NO_COLOR=1
TEST_NAME=$(basename "$0" .sh)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/smart-test.$TEST_NAME.XXXXXX")
# Tests never read the machine's configuration.
export SMART_CONF=/dev/null
# Nor write node_exporter's directory (set, even empty, the environment
# wins over smart.conf; a test that wants one passes TEXTFILE_DIR=... itself).
export TEXTFILE_DIR=
unset BASE_DIR DASH_DIR STATE_FILE RUNS_DIR VAR_DIR COACH_URL COACH_TOKEN IMPROVE_PCT MAX_ERR_DELTA_PCT || true

_cleanup_hooks=()
on_exit() { _cleanup_hooks+=("$*"); }
_cleanup() {
  local rc=$?
  local hook
  for hook in "${_cleanup_hooks[@]}"; do eval "$hook" || true; done
  if [ "$rc" -eq 0 ] || [ "$rc" -eq 77 ]; then
    rm -rf "$TMP"
  else
    echo "$TEST_NAME: FAILED (exit $rc); files kept in $TMP" >&2
  fi
}
trap _cleanup EXIT

fail() { echo "$TEST_NAME: FAIL: $*" >&2; exit 1; }
skip() { echo "$TEST_NAME: SKIP: $*"; exit 77; }

# run CMD...: runs it, output in $TMP/out and $TMP/err, exit code in $RC.
run() {
  set +e
  "$@" >"$TMP/out" 2>"$TMP/err"
  RC=$?
  set -e
  LAST_CMD="$*"
}
_show() {
  echo "--- command: $LAST_CMD (exit $RC)" >&2
  echo "--- stdout:" >&2; head -c 4000 "$TMP/out" >&2 || true
  echo "--- stderr:" >&2; head -c 4000 "$TMP/err" >&2 || true
}
# expect_exit N CMD...: runs CMD and fails unless it exits N.
expect_exit() {
  local want=$1; shift
  run "$@"
  if [ "$RC" -ne "$want" ]; then _show; fail "expected exit $want, got $RC"; fi
}
# expect_in FILE TEXT: FILE contains the fixed string TEXT.
expect_in() {
  if ! grep -qF -- "$2" "$1"; then _show; echo "--- $1:" >&2; head -c 2000 "$1" >&2; fail "'$2' not in $1"; fi
}
expect_not_in() {
  if grep -qF -- "$2" "$1"; then _show; fail "'$2' unexpectedly in $1"; fi
}
expect_eq() {
  if [ "$1" != "$2" ]; then _show; fail "expected '$2', got '$1'${3:+ ($3)}"; fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# wait_for CMD...: retries CMD for up to 10 s (for a server coming up).
wait_for() {
  local i
  for i in $(seq 1 200); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.05
  done
  fail "timed out waiting for: $*"
}

# shellcheck source=nginx.sh
. "$SMART_SOURCE_DIR/test/lib/nginx.sh"
