#!/usr/bin/env bash
# The layout is the architecture: util/ includes nothing of the product; the
# shared contracts at lib/smart/ include only util/ and each other; a stage
# folder (measure, decide, run, phone, dashboard) includes util/, the
# contracts and itself, never another stage; only cmd/ (and tools/) sit above
# the stages. The unit tests mirror that layout.
. "$(dirname "$0")/../lib/common.sh"
stages="measure decide run phone dashboard"

# check_layout LIB_SMART_DIR UNIT_TEST_DIR: prints every breach of the rule.
check_layout() {
  local lib=$1 units=$2 file rel home inc dep name
  while IFS= read -r file; do
    rel=${file#"$lib"/}
    case $rel in */*) home=${rel%%/*} ;; *) home=contract ;; esac
    while IFS= read -r inc; do
      case $inc in */*) dep=${inc%%/*} ;; *) dep=contract ;; esac
      case $home/$dep in
        util/util | contract/util | contract/contract | cmd/*) continue ;;
        util/* | contract/*) ;;
        */util | */contract) continue ;;
        *) [ "$home" = "$dep" ] && continue ;;
      esac
      echo "$rel includes <smart/$inc>: $home may not include $dep"
    done < <(sed -n 's|^#include <smart/\([^>]*\)>.*|\1|p' "$file")
  done < <(find "$lib" -name '*.hpp' -o -name '*.cpp' | sort)
  for dir in "$lib"/*/; do
    name=$(basename "$dir")
    case " util cmd $stages " in
      *" $name "*) ;;
      *) echo "lib/smart/$name/ is neither util/, cmd/ nor a stage ($stages)" ;;
    esac
  done
  for dir in "$units"/*/; do
    name=$(basename "$dir")
    [ -d "$lib/$name" ] || echo "test/unit/$name/ mirrors no lib/smart/$name/"
  done
}

check_layout "$SMART_SOURCE_DIR/lib/smart" "$SMART_SOURCE_DIR/test/unit" >"$TMP/problems"
[ ! -s "$TMP/problems" ] || fail "layout rule broken:
$(cat "$TMP/problems")"

# The check must bite: a stage reaching into another, and util/ reaching
# into the product, are both reported.
cp -r "$SMART_SOURCE_DIR/lib/smart" "$TMP/smart"
echo '#include <smart/run/runner.hpp>' >>"$TMP/smart/decide/decision.cpp"
echo '#include <smart/config.hpp>' >>"$TMP/smart/util/strings.cpp"
check_layout "$TMP/smart" "$SMART_SOURCE_DIR/test/unit" >"$TMP/problems"
expect_in "$TMP/problems" "decide/decision.cpp includes <smart/run/runner.hpp>: decide may not include run"
expect_in "$TMP/problems" "util/strings.cpp includes <smart/config.hpp>: util may not include contract"
