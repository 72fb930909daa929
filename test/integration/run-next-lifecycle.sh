#!/usr/bin/env bash
# smart-run --next honours RUN_WINDOW (outside it nothing runs) and pauses an
# experiment whose last two runs failed, until a run by name re-enables it.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/experiment.sh"
exp_need_smart_run
exp_start_nginx
mkdir -p "$TMP/exp/broken"
jq -n --arg url "$NGINX_URL" --arg log "$TMP/ran" \
  '{id: "broken", risk: "none", target_url: $url, measure_interval_sec: 0.05,
    variants: [{name: "baseline", apply: "true"}, {name: "v", apply: ["/bin/sh", "-c", "echo ran >>\($log); exit 1"]}],
    revert: "true"}' >"$TMP/exp/broken/meta.json"
cat >"$TMP/smart.conf" <<CONF
BASE_DIR=$TMP/base
EXPERIMENTS_DIR=$TMP/exp
SMART_BIN_DIR=$SMART_BUILD_DIR/tools
CONF
args=(--config "$TMP/smart.conf" --variant-seconds 0.3s --block-seconds 0.3s)

# a window that ends a minute ago: nothing runs
now=$(date +%s)
window="$(date -d @$((now - 7200)) +%H:%M)-$(date -d @$((now - 60)) +%H:%M)"
expect_exit 0 env RUN_WINDOW="$window" smart-run "${args[@]}" --next
expect_in "$TMP/err" "outside RUN_WINDOW $window"
[ ! -e "$TMP/ran" ] || fail "ran outside the window"
expect_exit 2 env RUN_WINDOW=2-5 smart-run "${args[@]}" --next
expect_in "$TMP/err" "RUN_WINDOW '2-5'"

# two failed runs, then paused
expect_exit 1 smart-run "${args[@]}" --next
expect_exit 1 smart-run "${args[@]}" --next
expect_eq "$(wc -l <"$TMP/ran")" 2 "runs before the pause"
expect_exit 0 smart-run "${args[@]}" --next
expect_in "$TMP/err" "skipping broken: paused: its last two runs"
expect_eq "$(wc -l <"$TMP/ran")" 2 "a paused experiment ran"
# fixed and run by name: the pause is over
jq '.variants[1].apply = "true"' "$TMP/exp/broken/meta.json" >"$TMP/m" && mv "$TMP/m" "$TMP/exp/broken/meta.json"
expect_exit 0 smart-run "${args[@]}" --advise broken
expect_exit 0 smart-run "${args[@]}" --next --advise
expect_not_in "$TMP/err" "paused"
expect_in "$TMP/err" "experiment broken"
