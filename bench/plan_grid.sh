#!/bin/bash
# Benchmark: `sweep plan --json --limit 10` on a 10^6-point grid (three
# int_uniform parameters of 100 values). Target: < 0.1 s and < 10 MB.
# Usage: bench/plan_grid.sh [BUILD_DIR]   (default: build)
set -eu
B=$(cd "${1:-build}" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cat > "$T/grid.yaml" <<'Y'
method: grid
command: [train, "${args}"]
parameters:
  a: {min: 1, max: 100}
  b: {min: 1, max: 100}
  c: {min: 1, max: 100}
Y
"$B/sweep" plan "$T/grid.yaml" --json --limit 10 > "$T/out.json"
grep -q '"count": 1000000' "$T/out.json"
echo "sweep plan --json --limit 10 on a 10^6-point grid, 5 runs:"
for i in 1 2 3 4 5; do "$B/runstat" "$B/sweep" plan "$T/grid.yaml" --json --limit 10 2>&1 > /dev/null; done
echo "all 10^6 points as JSON (streamed, nothing held in memory):"
"$B/runstat" "$B/sweep" plan "$T/grid.yaml" --json 2>&1 > /dev/null
