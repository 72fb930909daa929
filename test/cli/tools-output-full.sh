#!/usr/bin/env bash
# Output that cannot be written is an error, never a silent success: with
# stdout on a full device (/dev/full: every write fails with ENOSPC) each
# tool says so and exits non-zero — smart-decide never exits 0 ("keep") with
# its verdict lost. A diagnostic that cannot be written (stderr on a full
# device) is dropped: the tool still ends by its own exit code, not by an
# abort (the original fault: smart-decide killed by SIGABRT under smart-run
# on a full disk).
. "$(dirname "$0")/../lib/common.sh"
[ -w /dev/full ] || skip "no /dev/full"

printf 'timestamp,latency_ms,response_code\n' >"$TMP/base.csv"
printf 'timestamp,latency_ms,response_code\n' >"$TMP/fast.csv"
for i in $(seq 1 30); do
  echo "2026-11-29T10:00:$(printf %02d "$i").000Z,10.0,200" >>"$TMP/base.csv"
  echo "2026-11-29T10:00:$(printf %02d "$i").000Z,5.0,200" >>"$TMP/fast.csv"
done
export SMART_CONF=/dev/null

# The control: the verdict is keep when stdout works.
expect_exit 0 smart-decide --rule original "$TMP/base.csv" "$TMP/fast.csv"
expect_eq "$(cat "$TMP/out")" keep

# stdout full: not exit 0 (for smart-decide: not keep), no signal, and an
# error that says why.
expect_stdout_error() {
  local tool=$1 rc
  set +e
  "$@" >/dev/full 2>"$TMP/err"
  rc=$?
  set -e
  [ "$rc" -ne 0 ] || fail "$* exited 0 with its output lost"
  [ "$rc" -lt 128 ] || fail "$* died of signal $((rc - 128))"
  expect_in "$TMP/err" "$tool: error: cannot write to stdout"
}
expect_stdout_error smart-decide --rule original "$TMP/base.csv" "$TMP/fast.csv"
expect_stdout_error smart-decide --json "$TMP/base.csv" "$TMP/fast.csv"
expect_stdout_error smart-decide "$TMP/base.csv" "$TMP/fast.csv"
for tool in smart-measure smart-run smart-dashboard smart-phone; do
  expect_stdout_error "$tool" --help
done

# stderr full: the verdict and exit code are the usual ones, no abort.
set +e
smart-decide --rule original "$TMP/base.csv" "$TMP/fast.csv" >"$TMP/out" 2>/dev/full
rc=$?
set -e
expect_eq "$rc" 0 "exit code with stderr on a full device"
expect_eq "$(cat "$TMP/out")" keep
set +e
smart-decide "$TMP/base.csv" "$TMP/missing.csv" >"$TMP/out" 2>/dev/full
rc=$?
set -e
expect_eq "$rc" 2 "a usage error with stderr on a full device is still exit 2, not an abort"
