#!/bin/bash
# Benchmark (issue 24): the machine ledger's cost. 1. One placement decision
# on a busy machine (bench/ledger_scale.c): 50 sweeps holding 8 trials each
# (400 holds: a full 8-GPU server), and 40 each (2000). 2. The scheduler
# with GPU packing, the ledger on and off, side by side: N trials (default
# 500) of a 0.2 s trainer (bench/sleeper.c), 16 at a time on one declared
# GPU with room for all (each trial reserves, holds and releases, and every
# turn reads the ledger); wall time and sweep's own CPU per trial.
# Usage: bench/ledger.sh [BUILD_DIR] [N]
set -eu
B=$(cd "${1:-build}" && pwd)
N=${2:-500}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
for h in 8 40; do
    mkdir "$T/l$h"
    "$B/ledger_scale" "$T/l$h" 50 "$h" 300
done
cat > "$T/s.yaml" <<Y
method: grid
run_cap: $N
metric: {name: loss, goal: minimize}
parameters:
  i: {min: 1, max: $N}
command: [$B/sleeper, "--trial=\${i}"]
resources:
  gpus: [{id: 0, memory: 1000GiB}]
  memory: 1GiB
  max_parallel: 16
Y
mkdir "$T/machine"
for round in 1 2; do
    for mode in off on; do
        if [ $mode = on ]; then dir="$T/machine"; else dir="$T/none/at/all"; fi
        rm -rf "$T/run"
        SWEEP_MACHINE_DIR=$dir "$B/runstat" "$B/sweep" run -q "$T/s.yaml" -d "$T/run" 2> "$T/stat" > /dev/null || true
        wall=$(sed -n 's/.*wall_s=\([0-9.]*\).*/\1/p' "$T/stat")
        detail=$(sqlite3 "$T/run/sweep.db" "select detail from events where kind = 'sweep_finished'")
        self=$(echo "$detail" | sed -n 's/.*cpu_self=\([0-9.]*\).*/\1/p')
        done=$(sqlite3 "$T/run/sweep.db" "select count(*) from trials where state = 'completed'")
        echo "round $round, ledger $mode: $done trials, wall $wall s, sweep CPU $(awk -v s="$self" -v n="$N" 'BEGIN { printf "%.2f", s / n * 1000 }') ms per trial"
    done
done
