#!/bin/bash
# Benchmark: GPU packing on a virtual clock with sweep's own placement code
# (bench/packsim.c; docs/benchmarks.md, "GPU packing").
# Usage: bench/packing.sh [BUILD_DIR]
set -eu
B=$(cd "${1:-build}" && pwd)
[ -x "$B/packsim" ] || cmake --build "$B" --target packsim > /dev/null
"$B/packsim"
