#!/usr/bin/env bash
# Builds the libFuzzer targets with clang in a build directory of their own
# and runs each for SECONDS (default 600) over its seed corpus, one job at a
# time. New inputs go to BUILD/corpus/<target>/ (the seeds in
# test/fuzz/corpus/ are only read); a crash, leak, hang (-timeout) or
# sanitizer report is kept as BUILD/artifacts/<target>-*.
#
#   test/fuzz/run-fuzzers.sh [SECONDS] [TARGET...]
#
# Warnings are not errors here: clang warns where GCC (the warnings-as-errors
# build) does not, e.g. -Wdouble-promotion on INFINITY.
# Environment: SMART_FUZZ_BUILD_DIR (default build-fuzz), SMART_FUZZ_CXX (default
# clang++). Prints one line per target (executions, seconds, corpus size,
# result), also written to BUILD/fuzz-summary.txt; exits 1 when any target
# found something.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-600}
shift || true
build=${SMART_FUZZ_BUILD_DIR:-build-fuzz}

cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER="${SMART_FUZZ_CXX:-clang++}" \
  -DSMART_BUILD_FUZZERS=ON -DBUILD_TESTING=OFF -DSMART_WERROR=OFF >/dev/null
cmake --build "$build" --target fuzzers

if [ $# -gt 0 ]; then
  targets=("$@")
else
  targets=()
  for source in test/fuzz/fuzz_*.cpp; do
    name=${source##*/fuzz_}
    targets+=("${name%.cpp}")
  done
fi

mkdir -p "$build/artifacts"
summary="$build/fuzz-summary.txt"
: >"$summary"
failed=0
for target in "${targets[@]}"; do
  corpus="$build/corpus/$target"
  mkdir -p "$corpus"
  log="$build/fuzz-$target.log"
  touch "$log.start"
  result=clean
  # -timeout: an input that takes 10 s is a hang; leaks are reported
  # (LeakSanitizer) and fail the run as a crash does.
  if ! "$build/test/fuzz/fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$build/artifacts/$target-" \
    "$corpus" "test/fuzz/corpus/$target" >"$log" 2>&1; then
    result="FAILED (see $log)"
    failed=1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  took=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
  files=$(find "$corpus" -type f | wc -l)
  bytes=$(du -sb "$corpus" | cut -f1)
  line="fuzz_$target: ${runs:-?} executions in ${took:-?} s, corpus $files files ($bytes bytes) beyond the seeds, $result"
  echo "$line" | tee -a "$summary"
  if [ "$result" != clean ]; then
    # What was found, where CI logs show it: the report, and each input
    # that triggered it (base64; `base64 -d` gives the file to replay with
    # the fuzzer binary).
    grep -n -A40 -m1 -E '^==[0-9]+==|runtime error:|^ERROR: libFuzzer|^SUMMARY:' "$log" | head -60 || tail -40 "$log"
    find "$build/artifacts" -name "$target-*" -newer "$log.start" -type f | while read -r artifact; do
      echo "input $artifact ($(wc -c <"$artifact") bytes), base64:"
      head -c 8192 "$artifact" | base64
    done
  fi
done
exit "$failed"
