#!/bin/bash
# Benchmark (issue 27, point 2): what a job step costs a trial. N trials of
# one second each, P at a time: inside a real allocation of the two-node
# test cluster (scripts/slurm-cluster.sh, SLURM_CI_NODES=2) with
# `executor: srun` (P/2 cores a node, one per trial), and the same sweep
# with the local executor, P at a time, side by side. Reports each wall
# time, their ratio, the cost per trial, and a trial's end to the next
# start (the next step's supervisor) as the store records them. Needs root.
# Usage: bench/srun_overhead.sh [BUILD_DIR] [TRIALS] [PARALLEL]
set -eu
B=$(cd "${1:-build}" && pwd)
N=${2:-64}
P=${3:-8}
SRC=$(cd "$(dirname "$0")/.." && pwd)
T=$(mktemp -d /tmp/sweep-bench.XXXXXX)
chmod 755 "$T"
export SLURM_CI_NODES=2
export SLURM_CI_CTLD_PORT=${SLURM_CI_CTLD_PORT:-26827} SLURM_CI_SLURMD_PORT=${SLURM_CI_SLURMD_PORT:-26828}
trap 'bash "$SRC/scripts/slurm-cluster.sh" stop "$T/c" > /dev/null 2>&1; [ -n "${KEEP:-}" ] && echo "kept $T" || rm -rf "$T"' EXIT
cd "$T"
bash "$SRC/scripts/slurm-cluster.sh" start "$T/c" > /dev/null
. "$T/c/env.sh"
sleep 3 # the first scheduling pass comes ~3 s after slurmctld starts
for ex in srun local; do
    {
        echo "method: random"
        echo "seed: 1"
        echo "run_cap: $N"
        echo "metric: {name: loss, goal: minimize}"
        echo "parameters: {x: {min: 0, max: 1}}"
        echo 'command: [sh, -c, "echo loss=$0; sleep 1", "${x}"]'
        if [ $ex = srun ]; then
            echo "executor: srun"
            echo "resources: {cpus: 1}"
        else
            echo "resources: {gpus: none, max_parallel: $P}"
        fi
    } > $ex.yaml
    start=$(date +%s.%N)
    if [ $ex = srun ]; then
        salloc -N2 --cpus-per-task=$((P / 2)) "$B/sweep" run -q $ex.yaml -d $ex > /dev/null 2> $ex.err
    else
        "$B/sweep" run -q $ex.yaml -d $ex > /dev/null 2> $ex.err
    fi
    end=$(date +%s.%N)
    echo "$ex $start $end" >> wall.txt
done
/usr/bin/python3 - "$N" "$P" <<'PY'
import json, os, sqlite3, statistics, sys
n, p = int(sys.argv[1]), int(sys.argv[2])
wall = {l.split()[0]: float(l.split()[2]) - float(l.split()[1]) for l in open("wall.txt")}
def q(db, sql):
    return sqlite3.connect(db).execute(sql).fetchall()
for d in ("srun", "local"):
    done = q(f"{d}/sweep.db", "select count(*) from trials where state = 'completed'")[0][0]
    nodes = q(f"{d}/sweep.db", "select count(distinct exec_ref) from trials")[0][0]
    ran = [e - s for (s, e) in q(f"{d}/sweep.db", "select started, ended from trials")]
    starts = sorted(t for (t,) in q(f"{d}/sweep.db", "select time from events where kind = 'started'"))
    ends = []
    for t in sorted(os.listdir(f"{d}/trials")):
        with open(f"{d}/trials/{t}/exit.json") as f:
            ends.append(json.load(f)["ended"])
    ends.sort()
    lat = sorted(starts[p + k] - ends[k] for k in range(len(starts) - p))
    print(f"{d}: {done} of {n} completed ({nodes or 1} node{'s' if nodes > 1 else ''}), wall {wall[d]:.1f} s; "
          f"a trial ran median {statistics.median(ran):.3f} s for 1 s of work; "
          f"end -> next start median {statistics.median(lat):.3f} s, p90 {lat[int(0.9 * len(lat))]:.3f} s")
w, l = wall["srun"], wall["local"]
print(f"srun / local wall: {w / l:.2f}; a job step costs {(w - l) / (n / p):.3f} s per wave of {p} "
      f"(the allocation's first step included)")
PY
