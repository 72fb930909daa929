#!/usr/bin/env bash
# Installs what is needed, builds (warnings are errors), runs every test;
# then the same code under the sanitizers and the fuzzers, each in a build
# directory of its own (docs/reliability.md, "Sanitizers and fuzzing"):
#   BUILD        RelWithDebInfo, the whole suite (as shipped)
#   BUILD-asan   ASan+UBSan (-fno-sanitize-recover): unit and CLI tests
#   BUILD-tsan   TSan: the load generator's threads (unit and measure-load tests)
#   BUILD-fuzz   clang + libFuzzer: each fuzzer 20 s over its corpus
# BUILD is $SMART_BUILD_DIR (default build); SMART_ASAN_BUILD_DIR,
# SMART_TSAN_BUILD_DIR and SMART_FUZZ_BUILD_DIR move the others;
# SMART_FUZZ_SECONDS changes the fuzzers' time.
set -euo pipefail
cd "$(dirname "$0")/.."
bash packaging/install-deps.sh --tests
build=${SMART_BUILD_DIR:-build}
asan=${SMART_ASAN_BUILD_DIR:-$build-asan}
tsan=${SMART_TSAN_BUILD_DIR:-$build-tsan}
fuzz=${SMART_FUZZ_BUILD_DIR:-$build-fuzz}
jobs=$(nproc)
stage() { echo "test.sh: $* ($(date -u +%H:%M:%S))"; }

stage "RelWithDebInfo build and the whole suite in $build"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSMART_WERROR=ON
cmake --build "$build" -j"$jobs"
cmake --build "$build" --target format-check
(cd "$build" && ctest --output-on-failure -j"$jobs" --timeout 600)

# A sanitizer report ends the process with an error (no recovery), so a
# test that meets one fails; leaks are reported as ASan finds them.
stage "ASan+UBSan build, unit and CLI tests in $asan"
cmake -S . -B "$asan" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSMART_WERROR=ON -DSMART_ENABLE_ASAN=ON
cmake --build "$asan" -j"$jobs"
(cd "$asan" &&
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --output-on-failure -j"$jobs" --timeout 600 --label-exclude integration)

stage "TSan build, the load generator's threads in $tsan"
cmake -S . -B "$tsan" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSMART_WERROR=ON -DSMART_ENABLE_TSAN=ON
cmake --build "$tsan" -j"$jobs"
# measure-load-fds is left out: TSan's runtime opens descriptors of its own,
# so its count of smart-measure's descriptors means nothing here.
(cd "$tsan" &&
  TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
    ctest --output-on-failure --timeout 600 -R 'load' -E 'measure-load-fds')

stage "libFuzzer targets, ${SMART_FUZZ_SECONDS:-20} s each, in $fuzz"
SMART_FUZZ_BUILD_DIR=$fuzz bash test/fuzz/run-fuzzers.sh "${SMART_FUZZ_SECONDS:-20}"
stage "all green"
