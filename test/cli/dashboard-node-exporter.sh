#!/usr/bin/env bash
# smart-dashboard writes smart.prom into TEXTFILE_DIR, and Debian's
# prometheus-node-exporter (started here on 127.0.0.1 with only the textfile
# collector) serves smart's series from it. A TEXTFILE_DIR that does not
# exist is skipped without a word.
. "$(dirname "$0")/../lib/common.sh"
exporter=$(command -v prometheus-node-exporter || true)
[ -n "$exporter" ] || fail "prometheus-node-exporter is not installed (packaging/install-deps.sh --tests)"

fixture=$SMART_SOURCE_DIR/test/fixtures/dashboard/normal
mkdir -p "$TMP/textfile"
printf 'VAR_DIR=%s\n' "$fixture" >"$TMP/smart.conf"
export TEXTFILE_DIR=$TMP/textfile
expect_exit 0 smart-dashboard --config "$TMP/smart.conf" --out "$TMP/www"
cmp "$TMP/www/metrics.prom" "$TMP/textfile/smart.prom" || fail "smart.prom differs from metrics.prom"
expect_eq "$(stat -c %a "$TMP/textfile/smart.prom")" 644
expect_eq "$(find "$TMP/textfile" -type f | wc -l)" 1 "files in TEXTFILE_DIR (no temp file left)"

PORT=$(free_port)
"$exporter" --web.listen-address="127.0.0.1:$PORT" --collector.disable-defaults --collector.textfile \
  --collector.textfile.directory="$TMP/textfile" >"$TMP/exporter.log" 2>&1 &
pid=$!
on_exit "kill $pid 2>/dev/null"
wait_for curl -fsS -o /dev/null "http://127.0.0.1:$PORT/metrics"
curl -fsS "http://127.0.0.1:$PORT/metrics" >"$TMP/scrape"
expect_in "$TMP/scrape" 'smart_health{status="ok"} 0'
# every smart series of the file is in the scrape
for name in $(grep -v '^#' "$TMP/textfile/smart.prom" | sed 's/[{ ].*//' | sort -u); do
  expect_in "$TMP/scrape" "$name"
done
expect_eq "$(grep '^node_textfile_scrape_error ' "$TMP/scrape")" 'node_textfile_scrape_error 0'

# No such directory: nothing written, no warning.
export TEXTFILE_DIR=$TMP/none
expect_exit 0 smart-dashboard --config "$TMP/smart.conf" --out "$TMP/www2"
test ! -e "$TMP/none" || fail "created TEXTFILE_DIR"
expect_not_in "$TMP/err" "TEXTFILE_DIR"
