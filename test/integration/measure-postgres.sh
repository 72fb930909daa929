#!/usr/bin/env bash
# postgres://user@host:port/db?query=SQL measures a query against a real
# PostgreSQL through libpq: the query really runs, once per probe, on one
# connection kept open (a new one each probe with --fresh-connection); an
# SQL error is error "other"; a query past --timeout is a timeout; a server
# that is down is a connect error; a password in the URL is refused (exit 2).
. "$(dirname "$0")/../lib/common.sh"
. "$SMART_SOURCE_DIR/test/lib/postgres.sh"
pg_need
pg_start "$TMP/pg"
pg_super "CREATE TABLE probes (pid int); GRANT INSERT ON probes TO smart;" >/dev/null
url="postgres://smart@127.0.0.1:$PGPORT/postgres"
expect_exit 0 smart-measure --url "$url" --count 3 --interval 10ms
expect_eq "$(head -1 "$TMP/out")" "timestamp,latency_ms,response_code,error" "CSV header"
expect_eq "$(tail -n +2 "$TMP/out" | cut -d, -f3,4 | sort -u)" "200,"
expect_exit 0 smart-measure --url "$url?query=INSERT%20INTO%20probes%20SELECT%20pg_backend_pid()" --count 3 --interval 10ms
expect_eq "$(tail -n +2 "$TMP/out" | cut -d, -f3,4 | sort -u)" "200,"
expect_eq "$(pg_super "SELECT count(*), count(DISTINCT pid) FROM probes")" "3|1" "rows, connections"
pg_super "TRUNCATE probes" >/dev/null
expect_exit 0 smart-measure --url "$url?query=INSERT%20INTO%20probes%20SELECT%20pg_backend_pid()" --count 3 --interval 10ms --fresh-connection
expect_eq "$(pg_super "SELECT count(*), count(DISTINCT pid) FROM probes")" "3|3" "rows, connections (fresh)"
# the unix socket, through libpq's own host= parameter
expect_exit 0 smart-measure --url "postgres://smart@localhost/postgres?host=$TMP/pg&query=SELECT%201" --count 1
expect_eq "$(tail -n +2 "$TMP/out" | cut -d, -f3,4)" "200,"
expect_exit 0 smart-measure --url "$url?query=SELECT%20nosuchcolumn" --count 2 --interval 10ms
expect_eq "$(tail -n +2 "$TMP/out" | cut -d, -f3,4 | sort -u)" "0,other"
expect_exit 0 smart-measure --url "$url?query=SELECT%20pg_sleep(5)" --count 1 --timeout 300ms
expect_eq "$(tail -n +2 "$TMP/out" | cut -d, -f3,4)" "0,timeout"
# the timed-out query was cancelled on the server, not left running
expect_eq "$(pg_super "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(5)%' AND state = 'active'")" 0 "left running"
expect_exit 2 smart-measure --url "postgres://smart:secret@127.0.0.1:$PGPORT/postgres" --count 1
expect_in "$TMP/err" "PGPASSFILE"
expect_exit 2 smart-measure --url "$url" --concurrency 2 --duration 1s
expect_in "$TMP/err" "load mode needs an http:// or https:// target"
pg_stop "$TMP/pg"
expect_exit 0 smart-measure --url "$url" --count 2 --interval 10ms
expect_eq "$(tail -n +2 "$TMP/out" | cut -d, -f3,4 | sort -u)" "0,connect"
