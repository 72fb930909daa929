#!/usr/bin/env bash
# A link planted where the next run directory will be (runs/<run id>
# pointing at a directory of someone else's): smart-run claims its run
# directory with mkdir, which never follows a link, so it takes the next
# free name (<run id>-2) and writes nothing through the link; the run ends
# as usual. The links cover every run id of the next 60 seconds.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/run.sh"
command -v jq >/dev/null || skip "jq is not installed"
plain_conf "$TMP/smart.conf" "$TMP/exp"
plain_experiment "$TMP/exp" plain '.baseline_seconds = 0.3 | .variant_seconds = 0.3'
runs=$TMP/base/var/runs
mkdir -p "$runs" "$TMP/victim"
echo "not smart's" >"$TMP/victim/keep"
now=$(date -u +%s)
for i in $(seq 0 60); do
  ln -s "$TMP/victim" "$runs/$(date -u -d "@$((now + i))" +%Y%m%dT%H%M%SZ)"
done

expect_exit 0 smart-run --config "$TMP/smart.conf" --advise plain
id=$(jq -r .run_id "$TMP/base/var/state.json")
case $id in *-2) ;; *) fail "run id $id: expected the name after the planted link (<id>-2)" ;; esac
[ -d "$runs/$id" ] && [ ! -L "$runs/$id" ] || fail "$runs/$id is not a real directory"
[ -s "$runs/$id/summary.json" ] || fail "no summary.json in the run directory"
expect_eq "$(ls -A "$TMP/victim")" keep "files written through the planted link"
expect_eq "$(cat "$TMP/victim/keep")" "not smart's"
expect_eq "$(jq -r .status "$TMP/base/var/state.json")" reverted
