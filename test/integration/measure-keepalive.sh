#!/usr/bin/env bash
# shellcheck source=../lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/measure.sh"
# Probes reuse one kept-alive connection; --fresh-connection opens a new one
# every probe. nginx answers 201 to the first request on a connection.

nginx_start "$TMP/nginx" 'location = /conn { if ($connection_requests = 1) { return 201 "new\n"; } return 200 "reused\n"; }'
on_exit "nginx_stop '$TMP/nginx'"
expect_exit 0 smart-measure --url "${NGINX_URL}conn" --count 5 --interval 10ms
expect_eq "$(tail -n +2 "$TMP/out" | cut -d, -f3 | tr '\n' ' ')" "201 200 200 200 200 " "keep-alive codes"
expect_exit 0 smart-measure --url "${NGINX_URL}conn" --count 5 --interval 10ms --fresh-connection
expect_eq "$(tail -n +2 "$TMP/out" | cut -d, -f3 | tr '\n' ' ')" "201 201 201 201 201 " "fresh-connection codes"
