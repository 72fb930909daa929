#!/usr/bin/env bash
# meta.json "targets": smart-run measures a request mix on a real nginx
# (probes spread over the pages by weight, each row naming its URL), and the
# per-target report shows the page a variant made worse: the variant puts a
# 100 ms delay in front of /slow (a quarter of the mix), and the decision
# and the run log name /slow as worse; nothing is kept.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/measure.sh"
. "$SMART_SOURCE_DIR/test/lib/experiment.sh"
. "$SMART_SOURCE_DIR/test/lib/passive.sh"
exp_need_smart_run

passive_site
passive_experiment slow_page "echo '$PASSIVE_SLOW' > $TMP/nginx/slow.conf && sh reload.sh"
echo "$PASSIVE_FAST" >"$TMP/nginx/slow.conf" # the baseline: /slow answers at once
(cd "$TMP/exp/slow_page" && sh reload.sh)
home=http://127.0.0.1:$NGINX_PORT/small.html
slow=http://127.0.0.1:$NGINX_PORT/slow
jq --arg fast "$PASSIVE_FAST" --arg conf "$TMP/nginx/slow.conf" --arg home "$home" --arg slow "$slow" '
  del(.measure) | .warmup_seconds = 0.3 | .measure_interval_sec = 0.02
  | .revert = ("echo " + ($fast | @sh) + " > " + $conf + " && sh reload.sh")
  | .targets = [{url: $home, weight: 3}, {url: $slow, weight: 1, headers: ["Accept-Encoding: gzip"]}]' \
  "$TMP/exp/slow_page/meta.json" >"$TMP/m" && mv "$TMP/m" "$TMP/exp/slow_page/meta.json"

expect_exit 0 smart-run --config "$TMP/smart.conf" --json --variant-seconds 6s --block-seconds 1s slow_page
cp "$TMP/out" "$TMP/summary.json"
expect_eq "$(jq -r .status "$TMP/summary.json")" reverted "status"
expect_eq "$(passive_slow_conf)" "$PASSIVE_FAST" "the baseline is back"
run_dir=$(ls -d "$TMP"/base/var/runs/*/)
expect_in "$run_dir/targets.txt" "$slow 1 -H 'Accept-Encoding: gzip'"
# Every row names its page; both pages were probed on both sides.
for file in v.csv v.baseline.csv; do
  head -n 1 "$run_dir/$file" | grep -q ',target' || fail "no target column in $file"
  pages=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "target") t = i; next } { print $t }' \
    "$run_dir/$file" | sort -u | tr '\n' ' ')
  expect_eq "$pages" "$slow $home " "pages in $file"
done
# (Only /slow is asserted: the home page's sub-millisecond times can move
# by tens of percent on a loaded machine, and the guard may rightly see it.)
expect_eq "$(jq -r --arg slow "$slow" '.targets[] | select(.target == $slow) | .worse' "$run_dir/v.decision.json")" \
  true "/slow got worse"
expect_eq "$(jq -r '.targets | length' "$run_dir/v.decision.json")" 2 "targets reported"
expect_in "$run_dir/run.log" "target $slow: p50 "
