#!/usr/bin/env bash
# Catch2 TEST_CASE names must not contain '[' or ']': CMake's list handling
# in catch_discover_tests would merge every later test into one bogus test.
. "$(dirname "$0")/../lib/common.sh"
bad=$(grep -rnE 'TEST_CASE\("[^"]*[][]' "$SMART_SOURCE_DIR/test/unit" || true)
[ -z "$bad" ] || fail "test names with brackets: $bad"
