#!/usr/bin/env bash
# The PostgreSQL experiments 014-018 end to end under smart-run against a
# real PostgreSQL, measured with smart-measure's postgres:// probe (work_mem
# on a query that sorts more than 4MB, synchronous_commit on an INSERT):
# every run completes with decisions for its variants, and afterwards every
# setting has its value from before the run (SHOW) and postgresql.auto.conf
# is byte-identical. The runs use --advise (measured, judged, then reverted
# whatever the verdict); the verdicts are printed.
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/postgres.sh"
[ -x "$SMART_BUILD_DIR/tools/smart-run" ] || skip "smart-run is not built"
command -v jq >/dev/null || skip "jq is not installed"
pg_need
pg_start "$TMP/pg"
pg_super "CREATE TABLE writes (n int); GRANT INSERT ON writes TO smart;" >/dev/null
auto=$TMP/pg/data/postgresql.auto.conf
cp "$auto" "$TMP/auto.before"
show() { psql -X -A -t -c "SHOW $1"; }
cat >"$TMP/smart.conf" <<CONF
BASE_DIR=$TMP/base
EXPERIMENTS_DIR=$TMP/exp
SMART_BIN_DIR=$SMART_BUILD_DIR/tools
SMART_LIBEXEC_DIR=$SMART_SOURCE_DIR/packaging
CONF
url="postgres://smart@127.0.0.1:$PGPORT/postgres"
sort_query="?query=SELECT%20count(*)%20FROM%20(SELECT%20md5(g::text)%20m%20FROM%20generate_series(1,100000)%20g%20ORDER%20BY%201)%20s"
insert_query="?query=INSERT%20INTO%20writes%20VALUES%20(1)"
for pair in 015_postgres_work_mem:work_mem:$sort_query \
  016_postgres_random_page_cost:random_page_cost: \
  017_postgres_effective_io_concurrency:effective_io_concurrency: \
  018_postgres_synchronous_commit:synchronous_commit:$insert_query \
  014_postgres_shared_buffers:shared_buffers:; do
  IFS=: read -r id name query <<<"$pair"
  before=$(show "$name")
  mkdir -p "$TMP/exp"
  cp -R "$SMART_SOURCE_DIR/experiments/$id" "$TMP/exp/$id"
  jq --arg url "$url$query" '.target_url = $url | .measure_interval_sec = 0.05' \
    "$SMART_SOURCE_DIR/experiments/$id/meta.json" >"$TMP/exp/$id/meta.json"
  expect_exit 0 smart-run --config "$TMP/smart.conf" --advise --json \
    --variant-seconds 2s --block-seconds 1s --warmup-seconds 0.2s --timeout-seconds 90s "$id"
  expect_eq "$(jq -r .status "$TMP/out")" reverted "$id status"
  expect_eq "$(jq -r '[.variants[] | select(.outcome == "failed" or .outcome == "aborted")] | length' "$TMP/out")" 0 "$id failed variants"
  echo "$id: would keep $(jq -r .would_keep "$TMP/out"); $(jq -r '[.variants[] | "\(.name) \(.outcome) \(.improve_pct)%"] | join(", ")' "$TMP/out")"
  expect_eq "$(show "$name")" "$before" "$name after the run"
  cmp "$auto" "$TMP/auto.before" || fail "$id: postgresql.auto.conf differs after the run"
  rm -rf "$TMP/exp"
done
[ "$(pg_super "SELECT count(*) > 0 FROM writes")" = t ] || fail "the INSERT probe wrote nothing"
