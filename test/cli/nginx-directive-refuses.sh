#!/usr/bin/env bash
# packaging/nginx-directive refuses what it cannot do exactly or safely:
# values with nginx/shell syntax, bad names, duplicates, statements over
# several lines, unbalanced files; exit 2, file untouched. Through sudo it
# only edits allowed directives of *.conf files under /etc/nginx.
. "$(dirname "$0")/../lib/common.sh"
D=$SMART_SOURCE_DIR/packaging/nginx-directive

conf=$TMP/nginx.conf
printf 'worker_processes 1;\nhttp {\n    keepalive_timeout 65;\n}\n' >"$conf"
cp "$conf" "$TMP/orig"
unchanged() { cmp -s "$conf" "$TMP/orig" || fail "$conf changed: $(cat "$conf")"; }

for bad in '2; load_module /tmp/x.so' '2;' '$(touch pwned)' '"2"' "'2'" '{' '2 }' 'a#b' '' ' 2' '2  4' $'2\n3' '`id`' 'a\b'; do
  expect_exit 2 "$D" set "$conf" main worker_processes "$bad"
  expect_in "$TMP/err" "must be plain words"
  unchanged
done
[ ! -e pwned ] && [ ! -e "$TMP/pwned" ] || fail "a value was run by a shell"
for badname in 'Worker' 'worker-processes' 'x;y' '' '1abc'; do
  expect_exit 2 "$D" set "$conf" main "$badname" 2
  unchanged
done
expect_exit 2 "$D" set "$conf" server worker_processes 2
expect_in "$TMP/err" "must be main, events or http"
expect_exit 2 "$D" set "$TMP/none.conf" main worker_processes 2
expect_in "$TMP/err" "no such file"

# files it cannot edit exactly: a message naming the file and line, exit 2
printf 'worker_processes 1;\nworker_processes 2;\n' >"$TMP/dup.conf"
expect_exit 2 "$D" set "$TMP/dup.conf" main worker_processes 4
expect_in "$TMP/err" "dup.conf: line 2: worker_processes appears twice"
printf 'worker_processes\n  2;\n' >"$TMP/multi.conf"
expect_exit 2 "$D" set "$TMP/multi.conf" main worker_processes 4
expect_in "$TMP/err" "spans several lines"
printf 'http {\n  keepalive_timeout 65;\n' >"$TMP/open.conf"
expect_exit 2 "$D" set "$TMP/open.conf" http keepalive_timeout 0
expect_in "$TMP/err" "unbalanced braces"
printf 'worker_processes 1;\n' >"$TMP/nohttp.conf"
expect_exit 2 "$D" set "$TMP/nohttp.conf" http keepalive_timeout 0
expect_in "$TMP/err" "no http block"
expect_eq "$(cat "$TMP/dup.conf")" "$(printf 'worker_processes 1;\nworker_processes 2;')"

# as root through sudo: only /etc/nginx/*.conf and allowed directives
if [ "$(id -u)" -eq 0 ]; then
  expect_exit 2 env SUDO_UID=1000 "$D" set "$conf" main worker_processes 2
  expect_in "$TMP/err" "only *.conf files under /etc/nginx"
  unchanged
  expect_exit 2 env SUDO_UID=1000 "$D" set /etc/nginx/nginx.conf main load_module /tmp/x.so
  expect_in "$TMP/err" "only these directives"
fi
