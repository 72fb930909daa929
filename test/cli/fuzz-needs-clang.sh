#!/usr/bin/env bash
# -DSMART_BUILD_FUZZERS=ON with a compiler other than clang stops the
# configuration with a message that says what to use instead, rather than
# failing later on an unknown -fsanitize=fuzzer.
. "$(dirname "$0")/../lib/common.sh"
command -v g++ >/dev/null || skip "g++ is not installed"

expect_exit 1 cmake -S "$SMART_SOURCE_DIR" -B "$TMP/build" -G Ninja -DCMAKE_CXX_COMPILER=g++ \
  -DSMART_BUILD_FUZZERS=ON -DSMART_USE_CCACHE=OFF
expect_in "$TMP/err" "SMART_BUILD_FUZZERS=ON needs clang"
expect_in "$TMP/err" "-DCMAKE_CXX_COMPILER=clang++"
