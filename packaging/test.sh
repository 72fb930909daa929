#!/usr/bin/env bash
# Installs what is needed, builds (warnings are errors), runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash packaging/install-deps.sh --tests
build=${SMART_BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSMART_WERROR=ON
cmake --build "$build" -j"$(nproc)"
cmake --build "$build" --target format-check
cd "$build"
ctest --output-on-failure -j"$(nproc)" --timeout 600
