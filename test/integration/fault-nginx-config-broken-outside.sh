#!/usr/bin/env bash
# Someone else breaks nginx.conf while a variant is applied (a typo saved by
# hand, a config-management run). The variant's check catches it; the revert
# puts the experiment's own directive back, but nginx's config test still
# fails, so it must not reload:
# smart-run ends revert_failed (exit 3) and says why, revert_failed.json
# names the run, nginx keeps serving on the config it had loaded, the other
# party's edit is left for them to see (smart never rewrites what is not
# its own), and every later run refuses until a person clears it.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/experiment.sh"
. "$SMART_SOURCE_DIR/test/lib/run.sh"
exp_need_smart_run

exp_start_nginx
sed -i 's/^worker_processes 1;$/worker_processes 3;/' "$NGINX_CONF"
nginx_reload "$TMP/nginx"
exp=$TMP/exp/001_nginx_workers
exp_copy_for_test "$SMART_SOURCE_DIR/experiments/001_nginx_workers" "$exp" "$NGINX_URL" "$TMP/smart.conf"
jq '.measure_interval_sec = 0.05 | .variants = [.variants[0], .variants[2]]' "$exp/meta.json" >"$exp/m" \
  && mv "$exp/m" "$exp/meta.json"
var=$TMP/base/var

# break LINE: smart-run stops itself once workers_2 is applied (the test
# hook), LINE is appended to nginx.conf from outside, and the run goes on;
# it must end revert_failed.
break_during_run() {
  SMART_TEST_PAUSE_AT=apply smart-run --config "$TMP/smart.conf" --variant-seconds 1s --block-seconds 0.5s \
    001_nginx_workers >"$TMP/run.out" 2>"$TMP/run.err" &
  pid=$!
  wait_paused "$pid" apply "$TMP/run.err"
  grep -q '^worker_processes 2;$' "$NGINX_CONF" || fail "workers_2 is not applied: $(grep worker_processes "$NGINX_CONF")"
  echo "$1" >>"$NGINX_CONF"
  kill -CONT "$pid"
  set +e
  wait "$pid"
  rc=$?
  set -e
  [ "$rc" -eq 3 ] || { cat "$TMP/run.err" >&2; fail "smart-run exit $rc, expected 3 (revert failed)"; }
  run_dir=$(ls -td "$var"/runs/*/ | head -n 1)
  LAST_CMD="smart-run (paused at apply)" RC=$rc
  expect_in "$TMP/run.err" "REVERT FAILED"
  expect_in "$TMP/run.err" "FAILED: check after workers_2" # the check caught it first

  # The record and the refusal.
  [ -s "$var/revert_failed.json" ] || fail "no revert_failed.json"
  expect_eq "$(jq -r .variant "$var/revert_failed.json")" workers_2
  expect_eq "$(jq -r .status "$var/state.json")" revert_failed
  expect_exit 3 smart-run --config "$TMP/smart.conf" 001_nginx_workers
  expect_in "$TMP/err" "REFUSING TO RUN: a revert failed"

  # nginx still serves, on the config it had loaded; the other party's
  # line is untouched.
  expect_exit 0 smart-measure --url "$NGINX_URL" --count 3 --interval 10ms
  [ "$(tail -n +2 "$TMP/out" | cut -d, -f3 | sort -u)" = 200 ] || fail "nginx does not serve: $(cat "$TMP/out")"
  expect_in "$NGINX_CONF" "$1"
}

# fixed LINE: the person removes LINE, reloads and clears the record; runs
# are allowed again and a clean run leaves the server as before.
fixed() {
  grep -vxF -- "$1" "$NGINX_CONF" >"$TMP/fixed.conf" && cat "$TMP/fixed.conf" >"$NGINX_CONF"
  sed -i 's/^worker_processes [0-9a-z]*;$/worker_processes 3;/' "$NGINX_CONF"
  nginx_reload "$TMP/nginx"
  expect_exit 0 smart-run --config "$TMP/smart.conf" --clear-revert-failed
  [ ! -e "$var/revert_failed.json" ] || fail "revert_failed.json not cleared"
  expect_exit 0 smart-run --config "$TMP/smart.conf" --advise --variant-seconds 1s --block-seconds 0.5s \
    001_nginx_workers
  grep -q '^worker_processes 3;$' "$NGINX_CONF" || fail "worker_processes is not 3 after the clean run"
}

# A misspelt directive: the file parses, the revert restores our directive,
# nginx -t refuses the rest, no reload.
break_during_run "worker_conections 512;"
expect_in "$run_dir/revert.workers_2.log" "worker_processes: restored to 3"
expect_in "$run_dir/revert.workers_2.log" "config test (NGINX_TEST)"
grep -q '^worker_processes 3;$' "$NGINX_CONF" || fail "worker_processes not restored: $(grep worker_processes "$NGINX_CONF")"
fixed "worker_conections 512;"

# A line that does not parse: the revert does not edit a file it cannot
# read, so the file stays exactly as the other party left it.
break_during_run "this is not a directive"
expect_in "$run_dir/revert.workers_2.log" "could not restore worker_processes 3"
grep -q '^worker_processes 2;$' "$NGINX_CONF" || fail "the revert edited a file it cannot parse"
fixed "this is not a directive"
