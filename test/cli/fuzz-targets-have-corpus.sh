#!/usr/bin/env bash
# Every libFuzzer target in test/fuzz/ is built (listed in its CMakeLists),
# run by run-fuzzers.sh (which finds them by name) and has seeds to start
# from in test/fuzz/corpus/<target>/; nothing is listed without a source.
. "$(dirname "$0")/../lib/common.sh"
fuzz=$SMART_SOURCE_DIR/test/fuzz
listed=$(sed -n '/^set(SMART_FUZZ_TARGETS/,/)/p' "$fuzz/CMakeLists.txt" | tr -d '()' | tr ' ' '\n' |
  grep -E '^[a-z_]+$' | sort)
found=$(find "$fuzz" -maxdepth 1 -name 'fuzz_*.cpp' -printf '%f\n' | sed 's/^fuzz_//; s/\.cpp$//' | sort)
[ -n "$found" ] || fail "no fuzz_*.cpp in $fuzz"
expect_eq "$listed" "$found" "targets in test/fuzz/CMakeLists.txt vs fuzz_*.cpp"
for target in $found; do
  seeds=$(find "$fuzz/corpus/$target" -type f -size +0 2>/dev/null | wc -l)
  [ "$seeds" -ge 2 ] || fail "test/fuzz/corpus/$target has $seeds seeds (at least 2 wanted)"
done
