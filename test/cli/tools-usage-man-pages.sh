#!/usr/bin/env bash
# The five man pages share one header (section, date, "smart VERSION",
# "smart manual"), and what their SEE ALSO names is a man page or a file the
# package installs.
. "$(dirname "$0")/../lib/common.sh"
man_dir=$SMART_SOURCE_DIR/docs/man
version=$(sed -n 's/^project(smart VERSION \([0-9.]*\).*/\1/p' "$SMART_SOURCE_DIR/CMakeLists.txt")
[ -n "$version" ] || fail "no project version in CMakeLists.txt"

header=
for page in "$man_dir"/*.1; do
  name=$(basename "$page" .1)
  first=$(head -1 "$page")
  upper=$(echo "$name" | tr 'a-z' 'A-Z')
  case $first in
    ".TH $upper 1 \""*"\" \"smart $version\" \"smart manual\"") ;;
    *) fail "$page: header '$first' is not '.TH $upper 1 \"DATE\" \"smart $version\" \"smart manual\"'" ;;
  esac
  rest=${first#".TH $upper 1 "}
  [ -z "$header" ] || [ "$rest" = "$header" ] || fail "$page: '$rest' differs from '$header'"
  header=$rest
  sed -n '/^\.SH SEE ALSO/,/^\.SH /p' "$page" >"$TMP/see"
  expect_in "$TMP/see" "/usr/share/doc/smart/"
  while read -r path; do
    case $path in
      /usr/share/doc/smart/*) doc=${path#/usr/share/doc/smart/}; [ -f "$SMART_SOURCE_DIR/docs/$doc" ] ||
        fail "$page names $path, but docs/$doc does not exist" ;;
      /usr/share/smart/nginx/smart-dashboard.conf) ;;
      *) fail "$page: SEE ALSO names $path, which the package does not install" ;;
    esac
  done < <(grep -o '/usr/[^ ,]*' "$TMP/see" | sed 's/[,.]$//')
  grep -q "docs/" "$TMP/see" && fail "$page: SEE ALSO names a source path (docs/...), not an installed one"
  true
done
# The package installs what the pages name.
expect_in "$SMART_SOURCE_DIR/packaging/install.cmake" 'docs/coach-api.yaml'
